// `chaos-lab run experiments/lost-message-prompt-retry.yaml` as users run it (the compiled command,
// real child processes): the first send_message loses its response, the prompt is retried
// (PROMPT_LIMIT 2) and ends correct in every variant; the message service's own store holds the
// message twice under per-call and per-attempt keys (duplicate_side_effects = 1: DEVIATED, exit 1) and
// once under the write-derived per-write key (0: HELD).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import { runCli } from './support/cli.js';
import { labBaseEnv, query } from './support/lab-run.js';

const temp = makeTempDir('experiment-prompt-retry-');
after(() => temp.cleanup());

/** A variant's run as the journal holds it. */
interface JournalRun {
  variant: string;
  runId: string;
  verdict: string;
  checks: { metric: string; value: number | null; outcome: string }[];
}

describe('chaos-lab run lost-message-prompt-retry', () => {
  it('counts the prompt retry’s second message: deviated under per-call and per-attempt, held under per-write; exit 1', {
    timeout: 300_000,
  }, async () => {
    const dir = join(temp.path, 'run');
    mkdirSync(dir);
    const run = runCli(
      ['run', 'experiments/lost-message-prompt-retry.yaml'],
      await labBaseEnv(dir, { OFFLINE_MODEL_LATENCY_MS: '50' }),
    );
    const { code } = await run.exit;
    const out = run.output();
    assert.equal(code, 1, out);
    assert.match(out, /^verdict: DEVIATED /m);
    const runs = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(out)![1]!, 'utf8')).runs as JournalRun[];
    const duplicates = (variant: string) => {
      const r = runs.find((x) => x.variant === variant)!;
      return [r.verdict, r.checks.find((c) => c.metric === 'duplicate_side_effects')!.value];
    };
    assert.deepEqual(duplicates('baseline'), ['held', 0]);
    assert.deepEqual(duplicates('keys-per-call'), ['deviated', 1]);
    assert.deepEqual(duplicates('keys-per-attempt'), ['deviated', 1]);
    assert.deepEqual(duplicates('keys-per-write'), ['held', 0]);
    // The two messages the store holds, by the ids the message service gave them; none under per-write.
    const written = [
      ...out.matchAll(/^ {2}written 2 times in prompt 0: send_message at message \((msg_\d+), (msg_\d+)\)$/gm),
    ];
    assert.equal(written.length, 2, out);
    for (const w of written) assert.notEqual(w[1], w[2]);
    // Every faulted run retried the prompt once and ended correct: the verdict alone never saw the second message.
    for (const r of runs.filter((x) => x.variant !== 'baseline')) {
      const [prompt] = query<{ status: string; attempts: number }>(
        join(dir, 'lab.db'),
        'SELECT status, attempts FROM prompt_results WHERE run_id = ?',
        r.runId,
      );
      assert.deepEqual(prompt, { status: 'correct', attempts: 2 }, r.variant);
    }
  });
});
