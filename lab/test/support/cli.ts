// Runs `chaos-lab` as a real child process for the launcher tests, on a block of ports of the test
// file's own, away from a lab that may be running on the defaults and from other tests' labs.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@chaos-lab/common';
import { takePortBlock, type PortBlock } from '@chaos-lab/common/testing';

export const CLI = join(PROJECT_ROOT, 'lab', 'bin', 'chaos-lab.js');

let fileBlock: Promise<PortBlock> | undefined;

/**
 * The `PORT_OFFSET` of this test file's labs: a block of ports checked free and held against every
 * other test (common's `takePortBlock`), taken at the first call and kept until the process exits. A
 * file's tests run one after another, each stopping its lab, so they share it; a test that runs two
 * labs at once takes a second block with `takePortBlock`.
 */
export async function labPortOffset(): Promise<number> {
  fileBlock ??= takePortBlock();
  return (await fileBlock).offset;
}

export interface CliRun {
  readonly child: ChildProcess;
  output(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A clean environment for a `chaos-lab` process (no .env influence on results) with `env` added: the
 * offline model, and the dashboard off (one part less to start; dashboard/test serves it).
 */
export function cliEnvironment(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LLM_PROVIDER: 'offline',
    DASHBOARD: 'off',
    ...env,
  };
}

/** Starts `chaos-lab <args>` with `env` added to a clean environment (no .env influence on results). */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: PROJECT_ROOT,
    // DASHBOARD off: one part less to start; the dashboard's own tests (dashboard/test) serve it.
    env: cliEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  // 'close', not 'exit': the process may exit before its last output has been read.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exit };
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
