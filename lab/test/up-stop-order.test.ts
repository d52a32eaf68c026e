// The launcher's stop (stop.ts) with stand-in children: the order that keeps the record whole, one
// SIGTERM per child, and what a repeated or a later second signal does.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createLogger } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startChild, type LabChild } from '../src/launcher/child.js';
import { LabStop, SAME_STOP_MS } from '../src/launcher/stop.js';

/** A child that exits only when the test says so, recording each stop request. */
function standIn(name: string, log: string[]) {
  let exit!: () => void;
  let done = false;
  const exited = new Promise<string>((resolve) => {
    exit = () => {
      done = true;
      resolve('exited with code 0');
    };
  });
  let stops = 0;
  const child: LabChild = {
    name,
    process: {} as ChildProcess,
    stdout: [],
    stderr: [],
    exited,
    exitCode: () => (done ? 0 : null),
    hasExited: () => done,
    send: () => undefined,
    stopping: () => stops > 0,
    async stop() {
      if (stops++ === 0) log.push(`stop ${name}`);
      await exited;
    },
  };
  return { child, exit, stops: () => stops };
}

describe('the launcher stop', () => {
  it('stops the agent, then the proxy-manager, then the rest; a repeat of the signal is the same stop; a later one says what it waits for', async () => {
    const log: string[] = [];
    const lines: string[] = [];
    let clock = 1_000_000;
    const [agent, manager, weather] = ['agent', 'proxy-manager', 'weather'].map((n) => standIn(n, log)) as [
      ReturnType<typeof standIn>,
      ReturnType<typeof standIn>,
      ReturnType<typeof standIn>,
    ];
    const stop = new LabStop(
      [weather.child, manager.child, agent.child],
      (line) => lines.push(line),
      () => clock,
    );
    stop.install();
    try {
      process.emit('SIGINT');
      assert.equal(stop.exitCode(), 130);
      await Promise.resolve();
      assert.deepEqual(log, ['stop agent'], 'the agent first, alone');
      process.emit('SIGINT'); // the same Ctrl-C forwarded by npm, a moment later
      process.emit('SIGTERM');
      assert.equal(lines.length, 1, lines.join('\n'));
      agent.exit();
      await agent.child.exited;
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(log, ['stop agent', 'stop proxy-manager']);
      clock += SAME_STOP_MS + 1;
      process.emit('SIGINT'); // a second Ctrl-C: no shortcut, a line saying what is still running
      assert.match(
        lines.at(-1)!,
        /SIGINT: already stopping in order, waiting for proxy-manager, weather \(the agent and the proxy-manager get 10 s each, the rest 5 s, before SIGKILL\)/,
      );
      manager.exit();
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(log, ['stop agent', 'stop proxy-manager', 'stop weather']);
      weather.exit();
      await stop.stopAll();
      assert.deepEqual(
        [agent.stops(), manager.stops(), weather.stops()],
        [2, 2, 1],
        'the ordered pass, then one pass over all (stop() is idempotent in child.ts)',
      );
      assert.equal(stop.signal, 'SIGINT', 'the first signal decides the exit code');
      assert.equal(stop.exitCode(), 130);
    } finally {
      stop.uninstall();
    }
  });

  it('runs a real child in a process group of its own, and stops it with one SIGTERM however often stop() is called', async () => {
    const tmp = makeTempDir('chaos-lab-child-');
    try {
      const settings = testSettings(tmp.path);
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LAB_DB_PATH: settings.LAB_DB_PATH,
        LOG_DIR: settings.LOG_DIR,
        LOG_CONSOLE: 'off',
      };
      const child = startChild(
        'weather',
        ['tool', 'weather', '--port', '0'],
        env,
        createLogger({ name: 'test', settings: { ...settings, LOG_LEVEL: 'silent' } }),
      );
      await new Promise<void>((resolve, reject) => {
        // Its last start-up line, printed once its shutdown handler is in place.
        child.process.stdout!.on('data', () => child.stdout.some((l) => l.includes('Ctrl-C to stop')) && resolve());
        void child.exited.then((why) => reject(new Error(`the tool ${why}: ${child.stderr.join('\n')}`)));
      });
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"
      const pgrp = Number(readFileSync(`/proc/${child.process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
      assert.equal(pgrp, child.process.pid, 'the child leads a process group of its own');
      assert.notEqual(pgrp, process.pid);
      await Promise.all([child.stop(), child.stop(), child.stop()]);
      // A second SIGTERM would have made its shutdown exit at once with 1.
      assert.equal(await child.exited, 'exited with code 0');
    } finally {
      tmp.cleanup();
    }
  });

  it('exits 143 on SIGTERM and 129 on SIGHUP', () => {
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const stop = new LabStop([], () => undefined);
      stop.install();
      try {
        process.emit(signal);
        assert.equal(stop.exitCode(), code);
      } finally {
        stop.uninstall();
      }
    }
  });
});
