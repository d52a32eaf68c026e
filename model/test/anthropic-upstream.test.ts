/**
 * The Anthropic Messages API forwarded to an HTTPS provider (`MODEL_UPSTREAM_URL`, anthropic/upstream.ts
 * and upstream.ts): a local HTTPS server with the test CA's certificate, serving the offline model's
 * `/v1/messages`, stands in for api.anthropic.com. Anthropic's SDK talks to the gateway. Checked: whole
 * and streamed messages come from the provider with the `x-api-key` and `anthropic-version` passed on
 * (and the key kept out of the logs), a fault the gateway answers alone never reaches it, a fault that
 * shapes the answer shapes the provider's whole one, the provider's errors come back as they are, and
 * a provider that cannot be reached is a 502 api_error.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { createLogger, listenOn } from '@chaos-lab/common';
import { makeTempDir, makeTestCertificate, testSettings } from '@chaos-lab/common/testing';
import {
  createModelApp,
  OfflineChatModel,
  startModelServer,
  UNKNOWN_TOOL_NAME,
  type LlmFault,
  type RunningModelServer,
} from '../src/index.js';

const KEY = 'sk-ant-upstream-5ecret-7';
const tmp = makeTempDir('model-anthropic-upstream-');
const cert = makeTestCertificate(tmp.path);
/** What the provider saw of each request. */
const seen: { path: string; apiKey: unknown; version: unknown; stream: unknown }[] = [];
let fault: LlmFault | undefined;
let providerUrl: string;
let gateway: RunningModelServer;
const providerApp = createModelApp({
  model: () => new OfflineChatModel({ latencyMs: 0 }),
  faults: () => undefined,
  logger: createLogger({ name: 'provider', settings: testSettings(tmp.path) }),
});
const provider = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({
      path: req.url ?? '',
      apiKey: req.headers['x-api-key'],
      version: req.headers['anthropic-version'],
      stream: body ? (JSON.parse(body) as { stream?: unknown }).stream : undefined,
    });
  });
  providerApp(req, res);
});

const REQUEST: MessageCreateParamsNonStreaming = {
  model: 'claude-test',
  max_tokens: 256,
  tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
};
const client = () => new Anthropic({ apiKey: KEY, baseURL: gateway.baseUrl.replace(/\/v1$/, ''), maxRetries: 0 });

before(async () => {
  const port = await listenOn(provider, 0, '127.0.0.1', 'test provider');
  providerUrl = `https://127.0.0.1:${port}/v1`;
  gateway = await startModelServer(testSettings(tmp.path, { MODEL_UPSTREAM_URL: providerUrl }), {
    port: 0,
    host: '127.0.0.1',
    faults: () => fault,
    upstreamCaPem: cert.caPem,
  });
});
after(async () => {
  await gateway.close();
  provider.close();
  provider.closeAllConnections();
  tmp.cleanup();
});

describe('the Anthropic Messages API forwarded to an HTTPS provider', () => {
  it("a whole and a streamed message: the provider's, with the key passed on and kept out of the logs", async () => {
    fault = undefined;
    const before = seen.length;
    const whole = await client().messages.create(REQUEST);
    assert.deepEqual(
      whole.content.map((b) => (b.type === 'tool_use' ? b.name : b.type)),
      ['get_weather'],
    );
    const streamed = await client().messages.stream(REQUEST).finalMessage();
    assert.equal(streamed.stop_reason, 'tool_use');
    assert.deepEqual(
      seen.slice(before).map((s) => [s.path, s.apiKey, s.stream]),
      [
        ['/v1/messages', KEY, undefined],
        ['/v1/messages', KEY, true],
      ],
    );
    assert.ok(seen.slice(before).every((s) => typeof s.version === 'string'));
    assert.doesNotMatch(readFileSync(join(tmp.path, 'logs', 'info.log'), 'utf8'), /5ecret/);
  });

  it('a fault the gateway answers alone (529 overloaded_error) never reaches the provider', async () => {
    fault = { kind: 'unavailable' };
    const before = seen.length;
    await assert.rejects(
      client().messages.create(REQUEST),
      (err: unknown) => err instanceof Anthropic.APIError && err.status === 529,
    );
    assert.equal(seen.length, before);
  });

  it('a fault that shapes the answer (unknown_tool, streamed): the provider asked for the whole message', async () => {
    fault = { kind: 'unknown_tool' };
    const message = await client().messages.stream(REQUEST).finalMessage();
    assert.deepEqual(
      message.content.map((b) => (b.type === 'tool_use' ? b.name : b.type)),
      [UNKNOWN_TOOL_NAME],
    );
    assert.equal(seen.at(-1)!.stream, false);
  });

  for (const shaped of [undefined, { kind: 'empty_completion' } as const]) {
    it(`an error of the provider goes back as it is (${shaped ? 'with a shaping fault' : 'piped'})`, async () => {
      fault = shaped;
      // The provider (not the gateway, which leaves the messages to it) refuses a block it cannot read.
      const bad = { ...REQUEST, messages: [{ role: 'user' as const, content: [{ type: 'video' }] }] };
      await assert.rejects(
        client().messages.create(bad as unknown as MessageCreateParamsNonStreaming),
        (err: unknown) => err instanceof Anthropic.BadRequestError && /video/.test(err.message),
      );
      assert.equal(seen.at(-1)!.stream, shaped ? false : undefined);
    });
  }

  it('a provider that cannot be reached (its certificate is not trusted): 502 api_error saying so', async () => {
    fault = undefined;
    const dir = makeTempDir('model-anthropic-unreachable-');
    const lonely = await startModelServer(testSettings(dir.path, { MODEL_UPSTREAM_URL: providerUrl }), {
      port: 0,
      host: '127.0.0.1',
      faults: () => undefined,
    });
    try {
      const res = await fetch(`${lonely.baseUrl}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(REQUEST),
      });
      assert.equal(res.status, 502);
      const body = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.deepEqual([body.type, body.error.type], ['error', 'api_error']);
      assert.match(body.error.message, /could not reach/);
    } finally {
      await lonely.close();
      dir.cleanup();
    }
  });
});
