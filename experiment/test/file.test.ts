// The experiment file: the shipped JSON Schema is the one generated from the zod schema, the shipped
// experiments are valid, and each kind of mistake is one line naming its path in the file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isLabError, PROJECT_ROOT } from '@chaos-lab/common';
import { experimentJsonSchema, parseExperiment } from '../src/index.js';

const EXPERIMENTS = join(PROJECT_ROOT, 'experiments');

/** The problems parseExperiment reports for `yaml`, without the file prefix. */
function problems(yaml: string): string[] {
  try {
    parseExperiment(yaml, 'x.yaml');
  } catch (err) {
    assert.ok(isLabError(err, 'EXPERIMENT_INVALID'), String(err));
    return err.message.split('\n').map((l) => l.replace(/^x\.yaml: /, ''));
  }
  assert.fail('the experiment was accepted');
}

const VALID = `
title: t
hypothesis:
  - metric: prompt_success_rate
    atLeast: 0.9
variants:
  - name: v
    faults:
      - name: slow
        kind: toxic
        type: latency
        attributes: { latency: 100 }
        targets: [weather]
        trigger: { kind: prompt, n: 1 }
`;

describe('experiment file', () => {
  it('the shipped experiments/experiment.schema.json is the generated one', () => {
    assert.equal(
      readFileSync(join(EXPERIMENTS, 'experiment.schema.json'), 'utf8'),
      experimentJsonSchema(),
      'run: npx chaos-lab run --schema > experiments/experiment.schema.json',
    );
  });

  it('every shipped experiment is valid and documented at its top', () => {
    const files = readdirSync(EXPERIMENTS).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 4);
    for (const f of files) {
      const text = readFileSync(join(EXPERIMENTS, f), 'utf8');
      assert.match(text.split('\n').slice(0, 4).join('\n'), /^#/m, `${f} starts with its documentation`);
      assert.ok(parseExperiment(text, f).title.length > 0);
    }
  });

  it('applies the defaults: offline model, the prompts file, downstream toxicity 1, a fault for one attempt', () => {
    const e = parseExperiment(
      VALID.replace('trigger: { kind: prompt, n: 1 }', 'trigger: { kind: call, tool: get_weather, n: 2 }'),
      'x.yaml',
    );
    assert.equal(e.model, 'offline');
    assert.deepEqual(e.prompts, {});
    const f = e.variants[0]!.faults[0]!;
    assert.ok(f.kind === 'toxic' && f.stream === 'downstream' && f.toxicity === 1);
    assert.deepEqual(f.trigger, { kind: 'call', tool: 'get_weather', n: 2, attempts: 1 });
  });

  it('names the path of each mistake', () => {
    assert.deepEqual(problems(VALID.replace('latency: 100', 'latency: -5')), [
      'variants[0].faults[0].attributes.latency: must be a number ≥ 0 (ms)',
    ]);
    assert.deepEqual(problems(VALID.replace('latency: 100', 'rate: 5')), [
      'variants[0].faults[0].attributes.rate: not an attribute of latency (latency, jitter)',
    ]);
    assert.deepEqual(problems(VALID.replace('type: latency', 'type: lag')), [
      'variants[0].faults[0].type: must be one of the toxic types: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, noop',
    ]);
    assert.deepEqual(problems(VALID.replace('targets: [weather]', 'targets: [wether]')), [
      'variants[0].faults[0].targets: must be "all" or a list of services (search, weather, movie, calendar, calculator, message, translator)',
    ]);
    assert.deepEqual(problems(VALID.replace('{ kind: prompt, n: 1 }', '{ kind: prompt, n: 0 }')), [
      'variants[0].faults[0].trigger.n: must be an integer ≥ 1 (the prompt, 1-based)',
    ]);
    assert.deepEqual(problems(VALID.replace('metric: prompt_success_rate', 'metric: faults_fired')), [
      'hypothesis[0].fault: faults_fired needs the fault it counts',
    ]);
    assert.deepEqual(problems(VALID.replace('atLeast: 0.9', 'atLeast: 0.9\n    atMost: 1')), [
      'hypothesis[0]: must have exactly one of atLeast, atMost, equals',
    ]);
    assert.deepEqual(problems(VALID.replace('title: t', 'title: t\ncolour: red')), [
      '(top level): unknown field "colour"',
    ]);
    assert.deepEqual(problems(VALID.replace('title: t\n', '')), ['title: is required']);
  });

  it('checks settings overrides with the lab settings schema, naming where they are', () => {
    assert.deepEqual(problems(VALID.replace('  - name: v\n', '  - name: v\n    settings: { TOOL_LIMIT: 0 }\n')), [
      'variants[0].settings: TOOL_LIMIT=0: must be an integer from 1 to 100',
    ]);
    assert.deepEqual(problems(VALID.replace('title: t', 'title: t\nsettings: { NO_SUCH: 1 }')), [
      'settings.NO_SUCH: not a setting of the lab (see chaos-lab settings)',
    ]);
  });

  it('reports broken YAML as such', () => {
    const [line] = problems('title: [unclosed\n');
    assert.match(line!, /^YAML: /);
  });
});
