// Every way a user stops `chaos-lab up` mid-run (a terminal's Ctrl-C to the whole process group, a
// second Ctrl-C, SIGTERM to the group, a signal to `npm start`) stops the lab in order and leaves a
// whole record: one row per prompt, counts equal to the rows, no open fault event, no process left.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import {
  assertReport,
  assertWholeRecord,
  labEnv,
  labProcesses,
  promptsDone,
  startLab,
  waitFor,
  writePrompts,
} from './support/lab-run.js';

const tmp = makeTempDir('chaos-lab-stops-');
after(() => tmp.cleanup());

const PROMPTS = 30;

/** Starts a lab of {@link PROMPTS} prompts in `name`, and waits until two prompts have their rows. */
async function labUnderWay(name: string) {
  const dir = join(tmp.path, name);
  const prompts = writePrompts(tmp.path, PROMPTS);
  const run = startLab(dir, ['up', '--prompts', prompts], await labEnv(dir));
  await promptsDone(run, 2);
  const parts = labProcesses(run);
  assert.ok(parts.length >= 10, `the lab's parts run: ${parts.length}\n${run.output()}`);
  return run;
}

describe('chaos-lab up stops in order', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`on ${signal} to its whole process group (a terminal's Ctrl-C): exit ${code}, the run interrupted, its record whole, its report rendered`, async () => {
      const run = await labUnderWay(`group-${signal}`);
      process.kill(-run.child.pid!, signal);
      const { code: exitCode } = await run.exit;
      assert.equal(exitCode, code, run.output());
      const row = assertWholeRecord(run, PROMPTS);
      assert.equal(row.status, 'interrupted');
      assert.ok(
        row.prompts_interrupted > 0 && row.prompts_interrupted < PROMPTS,
        `some prompts finished, the rest were interrupted: ${JSON.stringify(row)}`,
      );
      assertReport(run);
    });
  }

  it('on kill -9 of the launcher itself: every part notices its launcher is gone and stops by itself, the record whole', async () => {
    const run = await labUnderWay('kill-launcher');
    process.kill(run.child.pid!, 'SIGKILL');
    await run.exit;
    await waitFor('every part to stop', () => labProcesses(run).length === 0, 30_000);
    const row = assertWholeRecord(run, PROMPTS);
    assert.equal(row.status, 'interrupted', `run ${row.status}: ${row.error}`);
  });

  it('on a second Ctrl-C while stopping: still in order, exit 130, the record whole', async () => {
    const run = await labUnderWay('second-ctrl-c');
    process.kill(-run.child.pid!, 'SIGINT');
    await waitFor('the stop to begin', () => run.output().includes('SIGINT: stopping the lab in order'));
    process.kill(-run.child.pid!, 'SIGINT');
    const { code } = await run.exit;
    assert.equal(code, 130, run.output());
    assert.equal(assertWholeRecord(run, PROMPTS).status, 'interrupted');
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`under npm start: ${signal} to npm alone stops the lab in order, npm waits for it, and nothing is orphaned`, async () => {
      const dir = join(tmp.path, `npm-${signal}`);
      const prompts = writePrompts(tmp.path, PROMPTS);
      const run = startLab(dir, ['start', '--silent', '--', '--prompts', prompts], await labEnv(dir), ['npm']);
      await promptsDone(run, 2);
      process.kill(run.child.pid!, signal);
      const exit = await run.exit;
      // npm ends as its script did: with the script's code, or by re-sending the signal to itself.
      assert.ok(
        exit.code === code || exit.signal === signal,
        `npm ended with ${exit.code ?? exit.signal}\n${run.output()}`,
      );
      assert.equal(assertWholeRecord(run, PROMPTS).status, 'interrupted');
      assert.match(run.output(), new RegExp(`${signal}: stopping the lab in order`));
    });
  }

  it('under npm start: a terminal Ctrl-C (SIGINT to npm, its shell and the lab at once) stops the lab in order', async () => {
    const dir = join(tmp.path, 'npm-int');
    const prompts = writePrompts(tmp.path, PROMPTS);
    const run = startLab(dir, ['start', '--silent', '--', '--prompts', prompts], await labEnv(dir), ['npm']);
    await promptsDone(run, 2);
    process.kill(-run.child.pid!, 'SIGINT');
    const { code, signal } = await run.exit;
    assert.ok(code === 130 || signal === 'SIGINT', `npm ended with ${code ?? signal}\n${run.output()}`);
    assert.equal(assertWholeRecord(run, PROMPTS).status, 'interrupted');
  });
});
