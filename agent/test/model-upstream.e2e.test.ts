/**
 * The agent with a hosted provider behind the lab's model gateway (`MODEL_UPSTREAM_URL`): LangChain's
 * ChatOpenAI (LLM_PROVIDER=openai), ChatGroq (groq) and ChatAnthropic (anthropic, the Messages API) →
 * the gateway → HTTPS → a local provider (the offline model's APIs on a real HTTPS server whose
 * certificate the gateway trusts through the test's CA). The LLM fault the schedule plans (LLM_FAULT_CALLS=1, rate_limit) still hits the first model
 * call, model_calls records every request under the provider's name, and the key reaches the provider
 * but not the record or the logs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger, listenOn } from '@chaos-lab/common';
import { makeTempDir, makeTestCertificate, testSettings } from '@chaos-lab/common/testing';
import { createModelApp, OfflineChatModel, startModelServer } from '@chaos-lab/model';
import { runAgent } from '../src/index.js';
import { directEndpoints, startTestLab } from './support/lab.js';

const KEY = 'gsk-upstream-5ecret-7';
const certDir = makeTempDir('agent-upstream-cert-');
const cert = makeTestCertificate(certDir.path);
after(() => certDir.cleanup());

for (const provider of ['openai', 'groq', 'anthropic'] as const) {
  describe(`LLM_PROVIDER=${provider} through the gateway to an HTTPS provider`, () => {
    it('answers, meets the planned LLM fault, and is recorded under its provider', async () => {
      const lab = await startTestLab(
        { LLM_FAULT_CALLS: '1', LLM_FAULTS: 'rate_limit', MODEL_MAX_RETRIES: '2', GROQ_MAX_RETRIES: '2' },
        {},
        ['weather'],
      );
      /** The key each request brought the provider (Anthropic's in `x-api-key`). */
      const authorizations: unknown[] = [];
      const app = createModelApp({
        model: () => new OfflineChatModel({ latencyMs: 0 }),
        faults: () => undefined,
        logger: createLogger({ name: 'provider', settings: lab.settings }),
      });
      const https = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
        authorizations.push(req.headers.authorization ?? req.headers['x-api-key']);
        app(req, res);
      });
      // Groq's base is /openai/v1; Anthropic's /v1 (the gateway's /v1/messages goes to <base>/messages).
      const base = provider === 'anthropic' ? '/v1' : '/openai/v1';
      const upstream = `https://127.0.0.1:${await listenOn(https, 0, '127.0.0.1', 'provider')}${base}`;
      const gateway = await startModelServer(
        testSettings(lab.dir, { MODEL_UPSTREAM_URL: upstream, PROXY_MANAGER_URL: lab.settings.PROXY_MANAGER_URL }),
        {
          port: 0,
          host: '127.0.0.1',
          upstreamCaPem: cert.caPem,
        },
      );
      try {
        const runId = `upstream-${provider}`;
        const settings = testSettings(lab.dir, {
          PROXY_MANAGER_URL: lab.settings.PROXY_MANAGER_URL,
          LLM_PROVIDER: provider,
          OPENAI_API_KEY: KEY,
          OPENAI_MODEL: 'chaos-lab-offline',
          GROQ_API_KEY: KEY,
          ANTHROPIC_API_KEY: KEY,
          ANTHROPIC_MODEL: 'chaos-lab-offline',
          MODEL_UPSTREAM_URL: upstream,
          MODEL_URL: gateway.baseUrl,
          MODEL_MAX_RETRIES: '2',
          GROQ_MAX_RETRIES: '2',
        });
        const prompt = {
          prompt: 'What is the weather in Paris?',
          expect: { tools: ['get_weather'], contains: ['Paris'] },
        };
        await runAgent(settings, { promptsFile: lab.promptsFile([prompt]), runId, endpoints: directEndpoints(lab) });
        const [result] = lab.rows<{ status: string }>('SELECT status FROM prompt_results WHERE run_id = ?', runId);
        assert.equal(result!.status, 'correct');
        const calls = lab.rows<{ provider: string; fault: string | null; http_status: number }>(
          'SELECT provider, fault, http_status FROM model_calls WHERE run_id = ? ORDER BY id',
          runId,
        );
        assert.deepEqual(calls[0], { provider, fault: 'rate_limit', http_status: 429 });
        assert.ok(
          calls.length >= 3 &&
            calls.slice(1).every((c) => c.provider === provider && c.fault === null && c.http_status === 200),
          JSON.stringify(calls),
        );
        // The 429 was the gateway's: the provider saw only the requests after it, each with the key.
        assert.equal(authorizations.length, calls.length - 1);
        assert.ok(authorizations.every((a) => a === (provider === 'anthropic' ? KEY : `Bearer ${KEY}`)));
        const [run] = lab.rows<{ settings: string }>('SELECT settings FROM runs WHERE run_id = ?', runId);
        assert.doesNotMatch(run!.settings, /5ecret/);
        for (const file of ['agent.log', 'info.log'])
          assert.doesNotMatch(readFileSync(join(lab.settings.LOG_DIR, file), 'utf8'), /5ecret/, file);
      } finally {
        await gateway.close();
        https.close();
        https.closeAllConnections();
        await lab.close();
      }
    });
  });
}
