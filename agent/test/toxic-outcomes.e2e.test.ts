import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Endpoint } from '@chaos-lab/common';
import { Agent } from 'undici';
import { type AttemptResult, sendAttempt } from '../src/tool-calls/service-http.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

/**
 * What the agent records for the toxics that end a call, through the project's Toxiproxy server: a
 * `timeout` toxic that closes first is `closed`, one that holds past the attempt's deadline is
 * `timeout`, its removal closes what it held, and `reset_peer` is `reset`.
 */
describe('attempt outcomes under real toxics', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  let proxy: Endpoint;
  before(async () => {
    lab = await startTestLab({}, {}, ['weather']);
    proxied = await startProxies(lab);
    proxy = proxied.endpoints({ name: 'weather' } as never).proxy;
  });
  after(async () => {
    await proxied?.close();
    await lab?.close();
  });

  /** One attempt on a fresh connection, so no toxic of an earlier test sits on a pooled one. */
  async function attempt(timeoutMs: number, attemptId?: string): Promise<AttemptResult> {
    const dispatcher = new Agent();
    try {
      return await sendAttempt(
        proxy,
        { method: 'GET', path: '/weather', query: { city: 'Paris' } },
        { timeoutMs, dispatcher, attemptId },
      );
    } finally {
      await dispatcher.destroy();
    }
  }

  /** Runs `body` with one toxic on the weather proxy; `remove` takes it off early. */
  async function withToxic<T>(
    type: string,
    stream: 'upstream' | 'downstream',
    attributes: Record<string, number>,
    body: (remove: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const toxic = await proxied.proxies
      .get('weather')!
      .addToxic({ name: `t_${type}`, type, stream, toxicity: 1, attributes } as never);
    let removed = false;
    const remove = async () => {
      if (!removed) await toxic.remove();
      removed = true;
    };
    try {
      return await body(remove);
    } finally {
      await remove();
    }
  }

  it('no toxic: ok', async () => {
    assert.equal((await attempt(2000)).outcome, 'ok');
  });

  it('timeout toxic shorter than the deadline: Toxiproxy closes the connection first, recorded closed', async () => {
    const result = await withToxic('timeout', 'downstream', { timeout: 200 }, () => attempt(3000));
    assert.equal(result.outcome, 'closed', result.error ?? '');
    assert.ok(result.durationMs >= 150 && result.durationMs < 3000, `closed after ${result.durationMs} ms`);
  });

  it('timeout toxic longer than the deadline: the attempt times out', async () => {
    const result = await withToxic('timeout', 'upstream', { timeout: 5000 }, () => attempt(300));
    assert.equal(result.outcome, 'timeout', result.error ?? '');
    assert.ok(result.durationMs >= 290 && result.durationMs < 4000, `timed out after ${result.durationMs} ms`);
  });

  it('a held connection is closed when its timeout toxic is removed', async () => {
    const result = await withToxic('timeout', 'downstream', { timeout: 0 }, async (remove) => {
      const pending = attempt(10_000, 'held-1');
      // The request passed upstream and the service answered; only the answer is held by the toxic.
      const deadline = Date.now() + 5000;
      while (!lab.logLines('info').some((l) => (l.req as { id?: string } | undefined)?.id === 'held-1')) {
        assert.ok(Date.now() < deadline, 'the weather service never logged the held request');
        await new Promise((r) => setTimeout(r, 20));
      }
      await remove();
      return pending;
    });
    assert.equal(result.outcome, 'closed', result.error ?? '');
    assert.ok(result.durationMs < 9000, `closed by the removal after ${result.durationMs} ms, not by the deadline`);
  });

  it('reset_peer: recorded reset', async () => {
    const result = await withToxic('reset_peer', 'upstream', { timeout: 0 }, () => attempt(3000));
    assert.equal(result.outcome, 'reset', result.error ?? '');
  });
});
