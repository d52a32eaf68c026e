// LLM faults in experiment files: the shipped flaky-model.yaml declares `kind: llm` faults (the
// proxy-manager's own fault schema), a wrong one stops the file with its path, and the model metrics
// (model_retries, model_tokens) are read from model_calls.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isLabError, migrate, openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { loadExperiment, measure, parseExperiment } from '../src/index.js';

const withFault = (fault: string) => `
title: t
hypothesis: [{ metric: model_retries, atMost: 3 }]
variants:
  - name: v
    faults:
${fault}
`;

describe('llm faults in experiment files', () => {
  it('flaky-model.yaml: llm faults on the model, with their attributes and model-call triggers', () => {
    const { experiment } = loadExperiment(join(PROJECT_ROOT, 'experiments', 'flaky-model.yaml'));
    const faults = experiment.variants[0]!.faults;
    assert.deepEqual(
      faults.map((f) => [f.kind, f.name, f.targets, f.trigger.kind]),
      [
        ['llm', 'rate-limited', ['model'], 'first_attempts'],
        ['llm', 'cut-stream', ['model'], 'call'],
      ],
    );
    assert.equal(faults[0]!.kind === 'llm' && faults[0]!.retryAfterS, 2);
  });

  it('a wrong llm fault stops the file with the path of the error', () => {
    const lines = (fault: string) => {
      try {
        parseExperiment(withFault(fault), 'x.yaml');
      } catch (err) {
        assert.ok(isLabError(err, 'EXPERIMENT_INVALID'));
        return err.message;
      }
      assert.fail('accepted');
    };
    assert.match(
      lines('      - { name: f, kind: llm, type: meltdown, trigger: { kind: prompt, n: 1 } }'),
      /variants\[0\]\.faults\[0\]\.type: must be an LLM fault/,
    );
    assert.match(
      lines('      - { name: f, kind: llm, type: hang, hangMs: -5, trigger: { kind: prompt, n: 1 } }'),
      /variants\[0\]\.faults\[0\]\.hangMs: must be a number ≥ 0 \(ms\)/,
    );
    assert.match(
      lines('      - { name: f, kind: llm, type: hang, trigger: { kind: call, tool: modle, n: 1 } }'),
      /trigger\.tool: must be one of the tools .* or model/,
    );
  });
});

describe('model metrics', () => {
  it('model_retries counts requests after the first of their call; model_tokens the tokens reported (null without any)', () => {
    const tmp = makeTempDir('experiment-model-metrics-');
    const db = openDatabase(join(tmp.path, 'lab.db'));
    try {
      migrate(db);
      const row = db.prepare(
        `INSERT INTO model_calls (run_id, prompt_index, prompt_attempt, call_index, attempt, request_id, provider, model, status, started_at, latency_ms, tokens_in, tokens_out)
         VALUES ('r', 0, 1, ?, ?, ?, 'offline', 'm', ?, 0, 1, ?, ?)`,
      );
      row.run(1, 1, 'a#1', 'http_error', null, null);
      row.run(1, 2, 'a#2', 'ok', 100, 7);
      row.run(2, 1, 'b#1', 'ok', 120, 9);
      row.run(2, 2, 'b#2', 'network', null, null);
      assert.equal(measure(db, 'r', { metric: 'model_retries' }, []), 2);
      assert.equal(measure(db, 'r', { metric: 'model_tokens' }, []), 236);
      assert.equal(measure(db, 'other', { metric: 'model_tokens' }, []), null);
      assert.equal(measure(db, 'other', { metric: 'model_retries' }, []), 0);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
