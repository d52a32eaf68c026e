// The runner with a stand-in launcher that records a run as the lab would: exit codes (0 held,
// 1 deviated, 2 could not run), --dry-run starts nothing, --variant, --fail-fast, the fault plan
// written before the run, the journal in the database and as JSON, JUnit.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, writeTransaction } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { runExperiment, type LaunchRequest } from '../src/index.js';

const EXPERIMENT = `
title: stand-in
seed: 4
prompts:
  inline: [ "What's 2 + 2?", "What's 3 + 3?" ]
hypothesis:
  - metric: prompt_success_rate
    atLeast: { baseline: 1 }
  - metric: faults_fired
    fault: slow
    atLeast: 1
variants:
  - name: good
    faults: &f
      - { name: slow, kind: toxic, type: latency, attributes: { latency: 10 }, targets: [weather], trigger: { kind: prompt, n: 1 } }
  - name: bad
    faults: *f
  - name: worse
    faults: *f
`;

describe('experiment runner', () => {
  const temp = makeTempDir('experiment-runner-');
  const saved = { ...process.env };
  const file = join(temp.path, 'e.yaml');
  let launched: { variant: string; plan: unknown; env: Record<string, string | undefined> }[] = [];
  let lines: string[] = [];
  /** Prompt statuses a variant's run records (the runner tells the variant by its CHARTS_DIR). */
  let statuses: Record<string, string[]> = {};
  let exitCodes: Record<string, number> = {};

  before(() => {
    Object.assign(process.env, {
      LAB_DB_PATH: join(temp.path, 'lab.db'),
      CHARTS_DIR: join(temp.path, 'charts'),
      LOG_DIR: join(temp.path, 'logs'),
      LOG_CONSOLE: 'off',
    });
    writeFileSync(file, EXPERIMENT);
  });
  after(() => {
    process.env = saved;
    temp.cleanup();
  });

  /** Records a run as the lab does: the plan before, then runs, prompt_results and the fault fired. */
  async function launch(req: LaunchRequest): Promise<number> {
    const variant = req.settings.CHARTS_DIR.split('/').at(-1)!;
    const db = openDatabase(req.settings.LAB_DB_PATH);
    try {
      req.beforeRun(db, req.runId);
      const plan = db.prepare('SELECT plan FROM fault_plans WHERE run_id = ?').get(req.runId) as
        | { plan: string }
        | undefined;
      launched.push({
        variant,
        plan: plan && JSON.parse(plan.plan),
        env: {
          TOXIC_PROB: process.env.TOXIC_PROB,
          CHAOS_SEED: process.env.CHAOS_SEED,
          PROMPTS_FILE: process.env.PROMPTS_FILE,
        },
      });
      if (exitCodes[variant] !== undefined) return exitCodes[variant]!;
      writeTransaction(db, () => {
        db.prepare("INSERT INTO runs (run_id, started_at, seed, status) VALUES (?, ?, 4, 'completed')").run(
          req.runId,
          Date.now(),
        );
        (statuses[variant] ?? ['correct', 'correct']).forEach((status, i) => {
          db.prepare(
            'INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, started_at, finished_at, duration_ms) VALUES (?, ?, ?, ?, 1, 0, 10, 10)',
          ).run(req.runId, i, `p${i}`, status);
        });
        if (plan) {
          db.prepare(
            "INSERT INTO fault_events (run_id, kind, proxy, service, name, type, attributes, started_at, ended_at, ended_by, fault, trigger) VALUES (?, 'toxic', 'weather_proxy', 'weather', 'plan_slow_weather', 'latency', '{}', 1, NULL, NULL, 'slow', '{}')",
          ).run(req.runId);
        }
      });
      await req.beforeStop(req.runId);
      return 0;
    } finally {
      db.close();
    }
  }

  async function run(options: Partial<Parameters<typeof runExperiment>[0]> = {}): Promise<number> {
    launched = [];
    lines = [];
    return runExperiment({ file, ...options }, { launch, say: (l) => lines.push(l) });
  }

  it('--dry-run prints the plan and starts nothing: exit 0', async () => {
    assert.equal(await run({ dryRun: true }), 0);
    assert.deepEqual(launched, []);
    assert.ok(lines.includes('    fault slow: toxic latency downstream (toxicity 1, latency=10) on weather'));
    assert.ok(lines.includes('      when: during prompt 1 (until the next prompt)'));
  });

  it('every check held: exit 0; the baseline without a plan and faults off, each variant with its plan', async () => {
    statuses = {};
    exitCodes = {};
    assert.equal(await run({ variant: 'good', junit: join(temp.path, 'junit.xml') }), 0);
    assert.deepEqual(
      launched.map((l) => l.variant),
      ['baseline', 'good'],
    );
    assert.equal(launched[0]!.plan, undefined);
    assert.equal((launched[1]!.plan as { faults: { name: string }[] }).faults[0]!.name, 'slow');
    assert.equal(launched[0]!.env.TOXIC_PROB, '0');
    assert.equal(launched[0]!.env.CHAOS_SEED, '4');
    assert.equal(process.env.TOXIC_PROB, saved.TOXIC_PROB, 'the environment is restored after each run');
    assert.ok(
      lines.includes(
        'verdict: HELD (2 run(s) in ' +
          lines.find((l) => l.startsWith('verdict: HELD'))!.slice('verdict: HELD (2 run(s) in '.length),
      ),
    );
    assert.match(readFileSync(join(temp.path, 'junit.xml'), 'utf8'), /failures="0"/);
  });

  it('a check deviated: exit 1, with the value and tolerance on the console; the journal in the database and as JSON', async () => {
    statuses = { bad: ['correct', 'wrong'] };
    assert.equal(await run({ variant: 'bad' }), 1);
    assert.ok(
      lines.some((l) => /^ {2}deviated {2}prompt_success_rate +0\.5 {2}≥ 1 × baseline \(1\)$/.test(l)),
      lines.join('\n'),
    );
    const journalPath = lines.find((l) => l.startsWith('journal: '))!.slice('journal: '.length);
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    assert.equal(journal.verdict, 'deviated');
    assert.equal(journal.seed, 4);
    assert.equal(journal.runs[1].faults[0].fault, 'slow');
    assert.deepEqual(journal.runs[1].rolledBack, [
      { eventId: journal.runs[1].faults[0].eventId, fault: 'slow', service: 'weather' },
    ]);
    const report = readFileSync(join(journalPath, '..', 'index.html'), 'utf8');
    assert.match(report, /<a href="#run-bad">deviated<\/a>/, 'a deviation links to the story of its run');
    assert.match(report, /<h3 id="run-bad">bad — deviated<\/h3>/);
    assert.match(report, /<td>2<\/td><td><\/td><td>wrong<\/td>/, 'the prompt behind it is listed');
    const db = openDatabase(process.env.LAB_DB_PATH!);
    try {
      const row = db
        .prepare('SELECT verdict, seed FROM experiments WHERE experiment_id = ?')
        .get(journal.experimentId) as { verdict: string };
      assert.equal(row.verdict, 'deviated');
      const checks = db
        .prepare(
          'SELECT variant, metric, value, held FROM experiment_checks WHERE experiment_id = ? ORDER BY variant, check_index',
        )
        .all(journal.experimentId);
      assert.deepEqual(checks, [
        { variant: 'bad', metric: 'prompt_success_rate', value: 0.5, held: 0 },
        { variant: 'bad', metric: 'faults_fired', value: 1, held: 1 },
      ]);
      const ended = db
        .prepare("SELECT ended_by FROM fault_events WHERE fault = 'slow' AND run_id = ?")
        .get(journal.runs[1].runId) as { ended_by: string };
      assert.equal(ended.ended_by, 'rollback');
    } finally {
      db.close();
    }
  });

  it('--fail-fast stops at the first deviated variant', async () => {
    statuses = { good: ['correct', 'wrong'] };
    assert.equal(await run({ failFast: true }), 1);
    assert.deepEqual(
      launched.map((l) => l.variant),
      ['baseline', 'good'],
    );
  });

  it('a lab run that failed: exit 2, nothing judged', async () => {
    statuses = {};
    exitCodes = { good: 1 };
    assert.equal(await run({ variant: 'good' }), 2);
    assert.ok(lines.some((l) => l.includes('good: the lab run exited with code 1; the experiment cannot be judged')));
    exitCodes = {};
  });

  it('a broken file or an unknown variant: exit 2 with the path of the error, nothing started', async () => {
    writeFileSync(file, EXPERIMENT.replace('latency: 10', 'latency: -1'));
    try {
      assert.equal(await run({ dryRun: true }), 2);
      // The three variants share the fault (a YAML alias): one line each.
      assert.deepEqual(
        lines,
        [0, 1, 2].map(
          (i) => `chaos-lab: ${file}: variants[${i}].faults[0].attributes.latency: must be a number ≥ 0 (ms)`,
        ),
      );
    } finally {
      writeFileSync(file, EXPERIMENT);
    }
    assert.equal(await run({ variant: 'nope' }), 2);
    assert.deepEqual(launched, []);
  });
});
