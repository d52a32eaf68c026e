// `chaos-lab knowledge` and `chaos-lab plan` as users run them (the compiled command, real child
// processes) on the record of a real offline experiment: a 600 ms latency on weather, in place before
// the first get_weather attempt is sent (a first_attempts trigger, not a chaos tick that may come late)
// and through the three prompts' three attempts. The knowledge shows the band with its interval and calls it unknown (three
// checked prompts are thin evidence); the report has the section; the planned file passes
// `chaos-lab run --dry-run`. Bad flags and a missing database stop with one line.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import { runKnowledgeCommand } from '../src/commands/knowledge.js';
import { runPlanCommand } from '../src/commands/plan.js';
import { labPortOffset, runCli } from './support/cli.js';

const temp = makeTempDir('knowledge-cli-');
after(() => temp.cleanup());

const EXPERIMENT = `title: slow weather
seed: 4
prompts:
  inline:
    - { id: ny, prompt: "What's the weather like in New York today?", expect: { tools: [get_weather], contains: [New York] } }
    - { id: seattle, prompt: "Is it raining in Seattle?", expect: { tools: [get_weather], contains: [Seattle] } }
    - { id: london, prompt: "What's the weather in London?", expect: { tools: [get_weather], contains: [London] } }
hypothesis: [{ metric: prompt_success_rate, atLeast: 0.5 }]
variants:
  - name: slow-weather
    faults:
      - { name: slow-weather, kind: toxic, type: latency, attributes: { latency: 600 }, targets: [weather], trigger: { kind: first_attempts, tool: get_weather, k: 3 } }
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } }, out, err };
}

describe('chaos-lab knowledge and plan', () => {
  it('learn from a real offline experiment: the band with its interval, unknown on thin evidence, a plan that runs', {
    timeout: 180_000,
  }, async () => {
    const dir = join(temp.path, 'lab');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'slow-weather.yaml');
    writeFileSync(file, EXPERIMENT);
    const db = join(dir, 'lab.db');
    const env = {
      LAB_DB_PATH: db,
      LOG_DIR: join(dir, 'logs'),
      CHARTS_DIR: join(dir, 'charts'),
      PORT_OFFSET: String(await labPortOffset()),
      OFFLINE_MODEL_LATENCY_MS: '20',
    };
    const run = runCli(['run', file], env);
    const ran = await run.exit;
    assert.equal(ran.code, 0, run.output());

    const knowledge = runCli(['knowledge', '--db', db, '--json'], { LAB_DB_PATH: join(dir, 'elsewhere.db') });
    assert.equal((await knowledge.exit).code, 0, knowledge.output());
    const json = JSON.parse(knowledge.output());
    assert.equal(json.build.runs, 2, 'the baseline and the variant');
    const [row] = json.knowledge.filter((r: { target: string }) => r.target === 'weather');
    assert.equal(json.settingsProfiles.length, 1, 'the baseline and the variant were made with the same settings');
    assert.equal(row.settingsProfile, json.settingsProfiles[0].id);
    assert.match(json.settingsProfiles[0].label, / · offline \(deterministic\)$/);
    assert.equal(row.faultKind, 'toxic:latency');
    assert.equal(row.band, 'latency 250–1000 ms');
    assert.equal(row.promptsChecked, 3);
    assert.equal(row.hypothesisTolerance, 0.5, "the experiment's own bound");
    assert.ok(row.attemptP95Ms >= 600, `a 600 ms latency shows in the attempts: ${row.attemptP95Ms}`);
    assert.ok(row.successLow < row.successRate && row.successRate <= row.successHigh);
    const profile = json.profiles.find((p: { target: string }) => p.target === 'weather');
    assert.equal(profile.level, 'unknown');
    assert.equal(profile.observations, 1);
    assert.match(profile.bands[0].reason, /^thin evidence: 3 checked prompts \(< 5\)$/);

    const table = runCli(['knowledge', '--db', db], {});
    assert.equal((await table.exit).code, 0);
    assert.match(table.output(), /^weather +unknown +1 +3 +— +unknown /m);
    assert.match(
      table.output(),
      /^weather +toxic:latency +latency 250–1000 ms +1 +3 +\d+% \[\d+%–\d+%\] .*unknown: thin evidence/m,
    );

    const journal = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(run.output())![1]!, 'utf8'));
    const reportPath = join(dir, 'charts', 'experiments', journal.experimentId, 'slow-weather', 'index.html');
    assert.match(
      readFileSync(reportPath, 'utf8'),
      /<h2>What the lab knows \(every finished run\)<\/h2>[\s\S]*<td>weather<\/td><td>toxic:latency<\/td><td>latency 250–1000 ms<\/td>/,
    );

    const planned = join(dir, 'next.yaml');
    const plan = runCli(['plan', '--db', db, '--out', planned, '--max-variants', '3'], {});
    assert.equal((await plan.exit).code, 0, plan.output());
    assert.match(plan.output(), /^wrote .*next\.yaml: 3 variants from 2 finished runs and 1 fault events$/m);
    assert.match(
      readFileSync(planned, 'utf8'),
      /^settings:\n(?: {2}[A-Z_]+: .+\n)*? {2}PROXY_TIMEOUT_MS: \d+\n/m,
      "the plan keeps the settings profile's settings",
    );
    const dry = runCli(['run', '--dry-run', planned], { ...env, LAB_DB_PATH: join(dir, 'dry.db') });
    assert.equal((await dry.exit).code, 0, dry.output());
    assert.match(dry.output(), /dry run: nothing started/);
  });

  it('stop with one line on a missing database or a bad flag', () => {
    const missing = join(temp.path, 'nowhere', 'lab.db');
    for (const [run, message] of [
      [
        (io: ReturnType<typeof capture>['io']) => runKnowledgeCommand({ minChecked: '5' }, missing, io),
        /^chaos-lab knowledge: no lab database at .*nowhere/,
      ],
      [
        (io: ReturnType<typeof capture>['io']) =>
          runKnowledgeCommand({ minChecked: '5', tolerance: '1.5' }, missing, io),
        /^chaos-lab knowledge: --tolerance must be a number from 0 to 1, got 1\.5$/,
      ],
      [
        (io: ReturnType<typeof capture>['io']) => runKnowledgeCommand({ minChecked: '0' }, missing, io),
        /^chaos-lab knowledge: --min-checked must be a whole number ≥ 1, got 0$/,
      ],
      [
        (io: ReturnType<typeof capture>['io']) =>
          runPlanCommand({ minChecked: '5', out: '-', maxVariants: '4', seed: '1' }, missing, io),
        /^chaos-lab plan: no lab database/,
      ],
    ] as const) {
      const { io, out, err } = capture();
      assert.equal(run(io), 1);
      assert.deepEqual(out, []);
      assert.equal(err.length, 1);
      assert.match(err[0]!.trimEnd(), message);
    }
  });
});
