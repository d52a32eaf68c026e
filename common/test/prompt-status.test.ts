import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CHECKED_STATUSES_SQL,
  checkedCount,
  countCheckedPrompts,
  countPromptStatuses,
  isChecked,
  isFailure,
  isSuccess,
  openDatabase,
  PROMPT_STATUSES,
  sqlCountChecked,
  sqlCountStatus,
  sqlCountSucceeded,
  successRate,
} from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';

/** One run's prompts: two of each status but interrupted (one), so every count differs from the next. */
const STATUSES = [
  'correct',
  'correct',
  'correct',
  'unchecked',
  'unchecked',
  'wrong',
  'unhandled',
  'failed',
  'failed',
  'interrupted',
];

describe('the prompt-status rule', () => {
  it('checks correct, wrong, unhandled and failed; counts only correct as a success', () => {
    assert.deepEqual(PROMPT_STATUSES.filter(isChecked), ['correct', 'wrong', 'unhandled', 'failed']);
    assert.deepEqual(PROMPT_STATUSES.filter(isSuccess), ['correct']);
    assert.deepEqual(PROMPT_STATUSES.filter(isFailure), ['wrong', 'unhandled', 'failed']);
    assert.equal(isChecked('unchecked'), false, 'an unchecked answer has no verdict');
    assert.equal(isChecked('interrupted'), false, 'an interrupted prompt never had its chance');
    assert.equal(isSuccess('unchecked'), false, 'an unchecked answer is never a success');
  });

  it('rates correct ÷ checked, with no rate when nothing was checked', () => {
    const counts = countPromptStatuses(STATUSES);
    assert.deepEqual(counts, { correct: 3, unchecked: 2, wrong: 1, unhandled: 1, failed: 2, interrupted: 1 });
    assert.equal(checkedCount(counts), 7);
    assert.equal(successRate(counts.correct, checkedCount(counts)), 3 / 7);
    assert.equal(successRate(0, 0), null);
    assert.deepEqual(countPromptStatuses(['unchecked', 'interrupted', 'no such status']), {
      correct: 0,
      unchecked: 1,
      wrong: 0,
      unhandled: 0,
      failed: 0,
      interrupted: 1,
    });
  });

  it('the SQL fragments count as the rule does, on a real database', () => {
    const tmp = makeTempDir('chaos-lab-prompt-status-');
    const db = openDatabase(join(tmp.path, 'lab.db'));
    try {
      db.prepare("INSERT INTO runs (run_id, started_at, seed) VALUES ('r', 0, 1), ('none', 0, 1)").run();
      const insert = db.prepare(
        "INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, started_at, finished_at, duration_ms) VALUES ('r', ?, 'p', ?, 1, 0, 1, 1)",
      );
      STATUSES.forEach((status, i) => {
        insert.run(i, status);
      });
      const counts = countPromptStatuses(STATUSES);
      assert.equal(CHECKED_STATUSES_SQL, "('correct', 'wrong', 'unhandled', 'failed')");
      const columns = PROMPT_STATUSES.map((s) => `${sqlCountStatus(s, 'p.status')} AS ${s}`).join(', ');
      assert.deepEqual(
        { ...(db.prepare(`SELECT ${columns} FROM prompt_results p WHERE p.run_id = 'r'`).get() as object) },
        counts,
      );
      const rule = db.prepare(
        `SELECT ${sqlCountSucceeded()} AS correct, ${sqlCountChecked()} AS checked FROM prompt_results WHERE run_id = ?`,
      );
      assert.deepEqual({ ...(rule.get('r') as object) }, { correct: 3, checked: 7 });
      assert.deepEqual(countCheckedPrompts(db, 'r'), { correct: 3, checked: 7 });
      assert.deepEqual(
        countCheckedPrompts(db, 'none'),
        { correct: 0, checked: 0 },
        'a run without rows counts 0, not NULL',
      );
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
