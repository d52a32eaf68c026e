/**
 * Forwarding to a hosted provider over HTTPS (upstream.ts): a real local HTTPS server with a
 * certificate signed by the test's own CA (openssl), serving the offline model's API, stands in for
 * the provider; the gateway trusts it through that CA only. Checked: whole and streamed answers and
 * /v1/models come from the provider, the key reaches the provider and not the logs, a fault the
 * gateway answers alone never reaches it, a fault that shapes the answer shapes the provider's, and an
 * untrusted certificate is refused.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listenOn, createLogger } from '@chaos-lab/common';
import { makeTempDir, makeTestCertificate, testSettings } from '@chaos-lab/common/testing';
import {
  createModelApp,
  OfflineChatModel,
  startModelServer,
  UNKNOWN_TOOL_NAME,
  type LlmFault,
  type RunningModelServer,
} from '../src/index.js';
import { complete } from './support/model-server.js';

const KEY = 'sk-upstream-5ecret-42';
const tmp = makeTempDir('model-upstream-');
const cert = makeTestCertificate(tmp.path);
/** What the provider saw: path, Authorization, whether the body asked for a stream. */
const seen: { path: string; authorization: string | undefined; stream: unknown }[] = [];
let providerUrl: string;
let fault: LlmFault | undefined;
let gateway: RunningModelServer;
const logger = createLogger({ name: 'provider', settings: testSettings(tmp.path) });
const providerApp = createModelApp({
  model: () => new OfflineChatModel({ latencyMs: 0 }),
  faults: () => undefined,
  logger,
});
const provider = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      stream: body ? (JSON.parse(body) as { stream?: unknown }).stream : undefined,
    });
  });
  providerApp(req, res);
});

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

describe('forwarding to an HTTPS provider', () => {
  it("a whole answer: the provider's, with the key passed on to it and nowhere else", async () => {
    fault = undefined;
    const before = seen.length;
    const res = await complete(gateway, {}, { Authorization: `Bearer ${KEY}` });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { choices: { message: { tool_calls: { function: { name: string } }[] } }[] };
    assert.equal(body.choices[0]!.message.tool_calls[0]!.function.name, 'get_weather');
    assert.deepEqual(
      seen.slice(before).map((s) => [s.path, s.authorization]),
      [['/v1/chat/completions', `Bearer ${KEY}`]],
    );
    assert.doesNotMatch(readFileSync(join(tmp.path, 'logs', 'info.log'), 'utf8'), /5ecret/);
  });

  it('a stream: server-sent events piped as they come, ending with [DONE]', async () => {
    fault = undefined;
    const res = await complete(gateway, { stream: true });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await res.text();
    assert.match(text, /^data: \{/);
    assert.match(text, /data: \[DONE\]\n\n$/);
    assert.equal(seen.at(-1)!.stream, true);
  });

  it("/v1/models and Groq's /openai/v1 path: the provider's", async () => {
    const models = (await (await fetch(`${gateway.baseUrl}/models`)).json()) as { data: { id: string }[] };
    assert.equal(models.data[0]!.id, 'chaos-lab-offline');
    assert.equal(seen.at(-1)!.path, '/v1/models');
    const groqPath = await complete({ ...gateway, baseUrl: gateway.baseUrl.replace(/\/v1$/, '/openai/v1') }, {});
    assert.equal(groqPath.status, 200);
    await groqPath.text();
    assert.equal(seen.at(-1)!.path, '/v1/chat/completions');
  });

  it('a fault the gateway answers alone (429) never reaches the provider', async () => {
    fault = { kind: 'rate_limit', retry_after_s: 3 };
    const before = seen.length;
    const res = await complete(gateway, {});
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    await res.text();
    assert.equal(seen.length, before);
  });

  it('a fault that shapes the answer (unknown_tool, streamed): the provider is asked for the whole answer, the client gets it shaped as a stream', async () => {
    fault = { kind: 'unknown_tool' };
    const res = await complete(gateway, { stream: true });
    const text = await res.text();
    assert.equal(seen.at(-1)!.stream, false);
    assert.match(text, new RegExp(UNKNOWN_TOOL_NAME));
    assert.match(text, /data: \[DONE\]/);
  });

  for (const shaped of [undefined, { kind: 'empty_completion' } as const]) {
    it(`an error of the provider goes back as it is (${shaped ? 'with a shaping fault' : 'piped'})`, async () => {
      fault = shaped;
      // The provider (not the gateway, which leaves messages to it) refuses a role it does not know.
      const res = await complete(gateway, { messages: [{ role: 'narrator', content: 'hi' }] });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /narrator/);
      assert.equal(seen.at(-1)!.stream, shaped ? false : undefined);
    });
  }

  it('a provider whose certificate is not trusted: 502, TLS verification stays on', async () => {
    fault = undefined;
    const dir = makeTempDir('model-untrusted-');
    const untrusting = await startModelServer(testSettings(dir.path, { MODEL_UPSTREAM_URL: providerUrl }), {
      port: 0,
      host: '127.0.0.1',
      faults: () => undefined,
    });
    try {
      const res = await complete(untrusting, {});
      assert.equal(res.status, 502);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /could not reach/);
    } finally {
      await untrusting.close();
      dir.cleanup();
    }
  });
});
