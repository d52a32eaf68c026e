// How the faults that fired in a run become replayable units for shrink, on a record written by hand
// (no lab): a planned fault keeps its trigger, one unit per service it fired on; a random toxic of
// the chaos loop becomes "during prompt N (of the first attempt it touched) on that proxy, the same
// toxic, until as long after that prompt's start as it ended"; the launcher's service_down, model_proxy
// toxics and random toxics that touched no attempt are no units.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase, writeFaultPlan } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { firedUnits } from '../src/index.js';

describe('fired faults as shrink units', () => {
  const temp = makeTempDir('fired-faults-');
  after(() => temp.cleanup());

  it('planned faults per service with their trigger; random toxics during the prompt they hit', () => {
    const db = openDatabase(join(temp.path, 'lab.db'));
    try {
      const run = 'r1';
      db.prepare("INSERT INTO runs (run_id, started_at, seed, status) VALUES (?, 0, 1, 'completed')").run(run);
      for (const [i, start, end] of [
        [0, 1000, 2000],
        [1, 2000, 3000],
      ] as const) {
        db.prepare(
          "INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, started_at, finished_at, duration_ms) VALUES (?, ?, 'p', 'failed', 1, ?, ?, 1)",
        ).run(run, i, start, end);
      }
      writeFaultPlan(db, run, {
        faults: [
          {
            name: 'everywhere-503',
            kind: 'http_error',
            status: 503,
            targets: 'all',
            trigger: { kind: 'prompt', n: 2 },
          },
        ],
      });
      // One attempt through weather_proxy, during prompt 2, under the chaos loop's timeout toxic.
      db.prepare(
        "INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome, started_at, duration_ms) VALUES (?, 1, 1, 'c1', 'get_weather', 'weather', 1, 'proxy', 'closed', 2100, 50)",
      ).run(run);
      const event = db.prepare(
        'INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, ended_at, fault) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      event.run(
        run,
        'toxic',
        'weather_proxy',
        'weather',
        'chaos_timeout',
        'timeout',
        'upstream',
        1,
        '{"timeout":3100}',
        1500,
        2600,
        null,
      );
      event.run(
        run,
        'http_error',
        null,
        'search',
        'plan',
        'http_error',
        null,
        null,
        '{}',
        2100,
        2500,
        'everywhere-503',
      );
      event.run(run, 'http_error', null, 'movie', 'plan', 'http_error', null, null, '{}', 2100, 2500, 'everywhere-503');
      event.run(run, 'service_down', null, 'calculator', 'down', 'service_down', null, null, '{}', 2200, 2300, null);
      event.run(
        run,
        'toxic',
        'model_proxy',
        'model',
        'chaos_latency',
        'latency',
        'downstream',
        1,
        '{"latency":100}',
        2200,
        2300,
        null,
      );
      event.run(
        run,
        'toxic',
        'search_proxy',
        'search',
        'late',
        'latency',
        'downstream',
        1,
        '{"latency":100}',
        3500,
        null,
        null,
      );

      const { units, skipped } = firedUnits(db, run);
      assert.deepEqual(
        units.map((u) => u.fault),
        [
          {
            kind: 'toxic',
            name: 'random-timeout-weather-1',
            type: 'timeout',
            stream: 'upstream',
            toxicity: 1,
            attributes: { timeout: 3100 },
            targets: ['weather'],
            trigger: { kind: 'prompt', n: 2, durationMs: 600 },
          },
          {
            name: 'everywhere-503-search',
            kind: 'http_error',
            status: 503,
            targets: ['search'],
            trigger: { kind: 'prompt', n: 2 },
          },
          {
            name: 'everywhere-503-movie',
            kind: 'http_error',
            status: 503,
            targets: ['movie'],
            trigger: { kind: 'prompt', n: 2 },
          },
        ],
      );
      assert.deepEqual(
        skipped.map((s) => s.reason),
        ["the launcher's record of a service's death", 'on model_proxy, not a tool service', 'touched no tool attempt'],
      );
    } finally {
      db.close();
    }
  });
});
