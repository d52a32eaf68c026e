// Runs `chaos-lab` as a real child process for the launcher tests, on ports shifted away from a lab
// that may be running on the defaults.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@chaos-lab/common';

export const CLI = join(PROJECT_ROOT, 'lab', 'bin', 'chaos-lab.js');

/**
 * A port offset unlikely to collide with another test process or a lab on the default ports. Every
 * lab port (5000–8474 + offset) stays below 32768, where Linux's ephemeral range starts: port-0
 * servers and outgoing connections of other tests take their ports from there.
 */
export function portOffset(slot: number): number {
  return 10_000 + ((process.pid * 7 + slot * 13) % 140) * 100;
}

export interface CliRun {
  readonly child: ChildProcess;
  output(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `chaos-lab <args>` with `env` added to a clean environment (no .env influence on results). */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: PROJECT_ROOT,
    // DASHBOARD off: its port (8200 + PORT_OFFSET) could meet a port of a lab another test file runs
    // at another offset; the dashboard's own tests (dashboard/test) serve it.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LLM_PROVIDER: 'offline', DASHBOARD: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
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
