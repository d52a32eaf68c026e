// The planner on known knowledge: a sharp drop between two latency bands of weather is probed at
// their edge, the riskiest target's band below its broken one is tried, faults never tried fill the
// rest, each with its reason; the file it writes loads with the experiment's own loader.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { parseExperiment } from '@chaos-lab/experiment';
import {
  chooseFaults,
  planFileText,
  rebuildKnowledge,
  type KnowledgeRow,
  type ProfileSummary,
} from '@chaos-lab/knowledge';
import { recordRun, type PromptSpec } from './support/recorded-runs.js';

const T0 = Date.UTC(2026, 0, 11, 9, 0, 0);
const tmp = makeTempDir('planner-');
let db: Database;
let rows: KnowledgeRow[];
let profile: ProfileSummary;
const SETTINGS = { PROXY_TIMEOUT_MS: 1200, FALLBACK: 'off', TOOL_LIMIT: 2 };

const weather = (status: PromptSpec['status'], n: number): PromptSpec[] =>
  Array.from({ length: n }, () => ({
    service: 'weather',
    status,
    attempts: [{ outcome: status === 'correct' ? 'ok' : 'timeout', durationMs: 700 }],
  }));

before(() => {
  db = openDatabase(join(tmp.path, 'lab.db'));
  // 8 of 10 correct under 500 ms; 0 of 6 under 1500 ms: a sharp drop at 1000 ms.
  recordRun(
    db,
    'mid',
    T0,
    [...weather('correct', 8), ...weather('failed', 2)],
    [{ service: 'weather', type: 'latency', attributes: { latency: 500 }, fromMs: 0, toMs: 10_000 }],
    'completed',
    { settings: SETTINGS },
  );
  recordRun(
    db,
    'high',
    T0 + 60_000,
    weather('failed', 6),
    [{ service: 'weather', type: 'latency', attributes: { latency: 1500 }, fromMs: 0, toMs: 6000 }],
    'completed',
    { settings: SETTINGS },
  );
  // Another settings profile, where weather held at 1500 ms: the planner of the first never reads it.
  recordRun(
    db,
    'other-profile',
    T0 + 120_000,
    weather('correct', 6),
    [{ service: 'weather', type: 'latency', attributes: { latency: 1500 }, fromMs: 0, toMs: 6000 }],
    'completed',
    { settings: { ...SETTINGS, PROXY_TIMEOUT_MS: 5000 } },
  );
  const built = rebuildKnowledge(db);
  rows = built.rows;
  profile = built.profiles.find((p) => p.settings.PROXY_TIMEOUT_MS === 1200)!;
});

after(() => {
  db.close();
  tmp.cleanup();
});

describe('chaos-lab plan', () => {
  it('chooses a transition, the riskiest target and a fault never tried, each with its reason', () => {
    const choices = chooseFaults(rows, { tolerance: 0.8, maxVariants: 3, settingsProfile: profile.id });
    assert.deepEqual(
      choices.map((c) => [c.kind, c.target, c.faultKind, c.value]),
      [
        ['transition', 'weather', 'toxic:latency', 1000],
        ['riskiest', 'weather', 'toxic:latency', 625],
        ['never_tried', 'search', 'toxic:latency', 625],
      ],
    );
    assert.match(
      choices[0]!.reason,
      /^success changes sharply between latency 250–1000 ms: 8\/10 correct .* and latency 1000\+ ms: 0\/6 correct .*: probe the edge, latency 1000 ms$/,
    );
    assert.match(
      choices[1]!.reason,
      /weather is among the riskiest targets: latency 1000\+ ms: 0\/6 correct \(0%–39%\) .* broke the 80% tolerance; the band below \(latency 250–1000 ms\) is unknown/,
    );
    assert.match(choices[2]!.reason, /toxic:latency was never tried on search \(0 fault events on it in all\)/);
  });

  it("reads one settings profile only: another profile's bands are neither its evidence nor its tries", () => {
    const other = rows.find((r) => r.settingsProfile !== profile.id)!;
    assert.equal(other.promptsCorrect, 6, 'weather held at 1500 ms under PROXY_TIMEOUT_MS=5000');
    const choices = chooseFaults(rows, { tolerance: 0.8, maxVariants: 3, settingsProfile: other.settingsProfile });
    assert.deepEqual(
      choices.map((c) => [c.kind, c.target, c.value]),
      [
        ['transition', 'weather', 1500],
        ['never_tried', 'search', 625],
        ['never_tried', 'movie', 625],
      ],
      'only its own band (6/6, straddling 80%): no sharp drop, no broken band borrowed from the other profile',
    );
    assert.match(choices[0]!.reason, /6\/6 correct \(61%–100%\) over 1 fault event/);
  });

  it("writes a file the experiment's own loader accepts, one variant per choice with its reason, with the profile's settings", () => {
    const choices = chooseFaults(rows, { tolerance: 0.8, maxVariants: 4, settingsProfile: profile.id });
    const text = planFileText(choices, { seed: 3, tolerance: 0.8, builtAt: T0, profile });
    const experiment = parseExperiment(text, 'next.yaml');
    assert.equal(experiment.variants.length, 4);
    assert.equal(experiment.seed, 3);
    assert.deepEqual(
      experiment.settings,
      SETTINGS,
      "the planned runs are made with the profile's settings, so their evidence joins its bands",
    );
    assert.ok(
      text.includes(
        `of settings profile ${profile.id} (TOOL_LIMIT=2 PROMPT_LIMIT=? FALLBACK=off PROXY_TIMEOUT_MS=1200 `,
      ),
      'the header names the profile; settings the runs did not record read "?"',
    );
    assert.deepEqual(experiment.hypothesis[0], { metric: 'prompt_success_rate', atLeast: 0.8, on: 'all' });
    const first = experiment.variants[0]!;
    assert.equal(first.name, 'weather-toxic-latency-1000');
    assert.match(first.description!, /^transition: success changes sharply/);
    assert.deepEqual(first.faults[0], {
      name: 'weather-toxic-latency-1000',
      kind: 'toxic',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 1000 },
      targets: ['weather'],
      trigger: { kind: 'window', fromMs: 0, toMs: 3_600_000 },
    });
    assert.ok(experiment.prompts && 'tags' in experiment.prompts && experiment.prompts.tags!.includes('weather'));
    for (const c of choices) assert.ok(text.includes(c.reason), `the reason is a comment too: ${c.reason}`);
  });

  it('plans every kind it can, service faults and HTTP errors too, as files that load', () => {
    const choices = chooseFaults([], { tolerance: 0.8, maxVariants: 70, settingsProfile: undefined });
    assert.equal(choices.length, 70, '7 services × 10 kinds, none tried');
    assert.ok(choices.every((c) => c.kind === 'never_tried'));
    const experiment = parseExperiment(
      planFileText(choices, { seed: 1, tolerance: 0.8, builtAt: T0, profile: undefined }),
      'all.yaml',
    );
    assert.deepEqual(experiment.settings, {}, 'nothing known: no settings written');
    const kinds = new Set(experiment.variants.map((v) => v.faults[0]!.kind));
    assert.deepEqual([...kinds].sort(), ['http_error', 'service', 'toxic']);
  });
});
