import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { parseRetryAfterMs, pause, retryWaitMs } from '../src/tool-calls/retry-wait.js';
import { toolCallPolicy } from '../src/tool-calls/tools.js';

const policy = { backoffBaseMs: 200, backoffMaxMs: 5000 };

describe('retry waits: exponential backoff with full jitter, Retry-After, a cap', () => {
  it('draws each wait from [0, min(max, base * 2^(n-1))): the ceiling doubles per retry up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => retryWaitMs(n, policy, 0.999999, null)),
      [199, 399, 799, 1599, 3199, 4999, 4999],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => retryWaitMs(n, policy, 0, null)),
      [0, 0, 0],
    );
    assert.equal(retryWaitMs(3, policy, 0.5, null), 400);
    assert.equal(retryWaitMs(40, policy, 0.5, null), 2500, 'no overflow past the cap');
    assert.equal(retryWaitMs(1, { backoffBaseMs: 0, backoffMaxMs: 5000 }, 0.9, null), 0, 'base 0 retries at once');
  });

  it("waits at least the server's Retry-After, never more than the cap", () => {
    assert.equal(retryWaitMs(1, policy, 0.5, 1000), 1000, 'Retry-After longer than the backoff');
    assert.equal(retryWaitMs(5, policy, 0.9, 1000), 2880, 'backoff longer than Retry-After');
    assert.equal(retryWaitMs(1, policy, 0.5, 120_000), 5000, 'capped');
    assert.equal(retryWaitMs(1, policy, 0.5, 0), 100, 'a date already past leaves the backoff');
  });

  it('parses Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3), nothing else', () => {
    const now = Date.parse('2026-10-21T07:28:00Z');
    assert.equal(parseRetryAfterMs('120', now), 120_000);
    assert.equal(parseRetryAfterMs(' 0 ', now), 0);
    assert.equal(parseRetryAfterMs('Wed, 21 Oct 2026 07:28:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Wednesday, 21-Oct-26 07:28:30 GMT', now), 30_000, 'the obsolete RFC 850 form');
    assert.equal(parseRetryAfterMs('Wed, 21 Oct 2026 07:27:00 GMT', now), 0, 'a past date means now');
    for (const bad of [undefined, '', '1.5', '-3', 'soon', 'Wed, 99 Foo 2026'])
      assert.equal(parseRetryAfterMs(bad, now), null, String(bad));
  });

  it('pause waits the whole time, or ends early (false) when the signal fires', async () => {
    const started = performance.now();
    assert.equal(await pause(60, new AbortController().signal), true);
    assert.ok(performance.now() - started >= 55, 'waited');

    const controller = new AbortController();
    const early = performance.now();
    const pending = pause(60_000, controller.signal);
    setImmediate(() => controller.abort(new Error('prompt timed out')));
    assert.equal(await pending, false);
    assert.ok(performance.now() - early < 5000, 'ended by the signal, not the time');
    assert.equal(await pause(10, controller.signal), false, 'an aborted signal waits not at all');
  });

  it("takes the settings and draws the run's jitter from CHAOS_SEED, so waits replay", () => {
    const dir = makeTempDir();
    try {
      const draws = (seed: string) => {
        const p = toolCallPolicy(
          testSettings(dir.path, { CHAOS_SEED: seed, TOOL_BACKOFF_BASE_MS: '50', TOOL_BACKOFF_MAX_MS: '800' }),
        );
        assert.deepEqual([p.backoffBaseMs, p.backoffMaxMs], [50, 800]);
        return Array.from({ length: 8 }, () => p.jitter());
      };
      assert.deepEqual(draws('9'), draws('9'));
      assert.notDeepEqual(draws('9'), draws('10'));
      assert.ok(draws('9').every((x) => x >= 0 && x < 1));
      const byDefault = toolCallPolicy(testSettings(dir.path));
      assert.deepEqual([byDefault.backoffBaseMs, byDefault.backoffMaxMs], [200, 5000]);
    } finally {
      dir.cleanup();
    }
  });
});
