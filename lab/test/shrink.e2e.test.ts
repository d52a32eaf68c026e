// `chaos-lab shrink` as users run it (the compiled command, real lab runs): an experiment variant with
// three planned faults, of which one (two HTTP 500s on the first weather call, no fallback) makes a
// prompt fail, is shrunk to that one fault by replays with the run's seed and triggers; the experiment
// it writes reruns with `chaos-lab run` and fails the same way. A prompt that ended well is refused.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import { parseExperiment } from '@chaos-lab/experiment';
import { labPortOffset, runCli } from './support/cli.js';
import { query } from './support/lab-run.js';

const temp = makeTempDir('shrink-');
after(() => temp.cleanup());

const EXPERIMENT = `title: three faults, one culprit
seed: 21
prompts:
  inline:
    - { id: paris-weather, prompt: "What's the weather in Paris?", expect: { tools: [get_weather] } }
    - { id: twelve-squared, prompt: "What is 12 * 12?", expect: { tools: [calculate], matches: '\\b144\\b' } }
settings: { TOOL_LIMIT: 2, FALLBACK: "off", TOOL_BACKOFF_BASE_MS: 50 }
hypothesis:
  - { metric: prompts_failed, equals: 0 }
variants:
  - name: three
    faults:
      - { name: slow-weather, kind: toxic, type: latency, attributes: { latency: 50 }, targets: [weather], trigger: { kind: prompt, n: 1 } }
      - { name: calculator-blip, kind: http_error, status: 503, targets: [calculator], trigger: { kind: first_attempts, tool: calculate, k: 1 } }
      - { name: weather-down, kind: http_error, status: 500, targets: [weather], trigger: { kind: call, tool: get_weather, n: 1, attempts: 2 } }
`;

describe('chaos-lab shrink', () => {
  it('reduces three fired faults to the one that fails the prompt; the written experiment reruns and fails the same way', {
    timeout: 300_000,
  }, async () => {
    const dir = join(temp.path, 'three');
    mkdirSync(dir, { recursive: true });
    const env = {
      LAB_DB_PATH: join(dir, 'lab.db'),
      LOG_DIR: join(dir, 'logs'),
      CHARTS_DIR: join(dir, 'charts'),
      PORT_OFFSET: String(await labPortOffset()),
      OFFLINE_MODEL_LATENCY_MS: '50',
      CHAOS_INTERVAL_MS: '200',
    };
    const file = join(dir, 'three.yaml');
    writeFileSync(file, EXPERIMENT);
    const original = runCli(['run', file], env);
    assert.equal((await original.exit).code, 1, original.output());
    const journal = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(original.output())![1]!, 'utf8'));
    const runId = journal.runs[1].runId as string;
    assert.deepEqual(journal.runs[1].faults.map((f: { fault: string }) => f.fault).sort(), [
      'calculator-blip',
      'slow-weather',
      'weather-down',
    ]);

    const refused = runCli(['shrink', runId, '--prompt', 'twelve-squared'], env);
    assert.equal((await refused.exit).code, 2, refused.output());
    assert.match(refused.output(), /prompt twelve-squared ended correct in run .*: nothing to shrink/);

    const out = join(dir, 'minimal.yaml');
    const started = Date.now();
    const shrink = runCli(['shrink', runId, '--out', out], env);
    const { code } = await shrink.exit;
    process.stdout.write(`# shrink: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    assert.equal(code, 0, shrink.output());
    assert.match(shrink.output(), /^minimal failing faults \(1 of 3\): weather-down$/m);
    assert.match(shrink.output(), /^ {2}replay \d+: no fault → holds/m, 'the failure needs the faults');
    const written = parseExperiment(readFileSync(out, 'utf8'), out);
    assert.equal(written.seed, 21);
    assert.deepEqual(written.hypothesis, [{ metric: 'prompts_failed', equals: 0, on: 'all' }]);
    assert.deepEqual(written.variants[0]!.faults, [
      {
        kind: 'http_error',
        name: 'weather-down',
        status: 500,
        targets: ['weather'],
        trigger: { kind: 'call', tool: 'get_weather', n: 1, attempts: 2 },
      },
    ]);

    const rerun = runCli(['run', out], env);
    assert.equal((await rerun.exit).code, 1, rerun.output());
    assert.match(rerun.output(), /^ {2}deviated +prompts_failed +1 /m);
    const rerunId = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(rerun.output())![1]!, 'utf8')).runs[1]
      .runId as string;
    const failed = query<{ prompt_id: string }>(
      env.LAB_DB_PATH,
      "SELECT prompt_id FROM prompt_results WHERE run_id = ? AND status = 'failed'",
      rerunId,
    );
    assert.deepEqual(failed, [{ prompt_id: 'paris-weather' }], 'the same prompt fails, the same way');
  });
});
