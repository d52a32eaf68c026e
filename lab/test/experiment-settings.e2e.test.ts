// `chaos-lab run` (the compiled command, a real child process) names a bad setting by where its value
// comes from: a bad environment variable as `npm start` names it (the variable, its value, what is
// allowed), never as a path in the experiment file; a bad value the file sets, by its path in the file.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import { labPortOffset, runCli } from './support/cli.js';

const temp = makeTempDir('experiment-settings-');
after(() => temp.cleanup());

/** An experiment file in its own folder, with the YAML of its settings for every run and of its one variant's. */
async function experiment(name: string, sharedSettings: string, variantSettings: string) {
  const dir = join(temp.path, name);
  mkdirSync(dir);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `title: settings\nsettings: ${sharedSettings}\nhypothesis: [{ metric: wrong_answers, equals: 0 }]\n` +
      'variants:\n  - name: v\n' +
      `    settings: ${variantSettings}\n    faults:\n` +
      '      - { name: f, kind: toxic, type: latency, attributes: { latency: 10 }, targets: [weather], trigger: { kind: prompt, n: 1 } }\n',
  );
  const env = {
    LAB_DB_PATH: join(dir, 'lab.db'),
    LOG_DIR: join(dir, 'logs'),
    CHARTS_DIR: join(dir, 'charts'),
    PORT_OFFSET: String(await labPortOffset()),
  };
  return { dir, file, env };
}

describe('chaos-lab run: bad settings', () => {
  it('a bad environment variable is named as the environment’s, with its value and rule, not as a path in the file', async () => {
    const { dir, file, env } = await experiment('environment', '{}', '{ TOOL_LIMIT: 3 }');
    const run = runCli(['run', file], { ...env, TOXIC_PROB: '2' });
    const { code } = await run.exit;
    assert.equal(code, 2, run.output());
    assert.equal(
      run.output(),
      'chaos-lab: invalid settings in the environment (or .env)\nchaos-lab: TOXIC_PROB=2: must be a number from 0 to 1\n',
    );
    assert.doesNotMatch(run.output(), /settings:|\.yaml/);
    assert.ok(!existsSync(join(dir, 'lab.db')), 'nothing started');
  });

  it('a bad value the file sets is named by its path in the file; an environment value the file replaces is not checked', async () => {
    const { dir, file, env } = await experiment('file', '{ TOXIC_PROB: 0.1 }', '{ TOOL_LIMIT: 0 }');
    const run = runCli(['run', '--dry-run', file], { ...env, TOXIC_PROB: '2' });
    const { code } = await run.exit;
    assert.equal(code, 2, run.output());
    assert.equal(
      run.output(),
      `chaos-lab: ${file}: variants[0].settings: TOOL_LIMIT=0: must be an integer from 1 to 100\n`,
    );
    assert.ok(!existsSync(join(dir, 'lab.db')), 'nothing started');
  });
});
