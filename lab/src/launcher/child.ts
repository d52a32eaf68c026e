/**
 * The lab's child processes: each part of the lab (Toxiproxy-compatible server, a tool service, the
 * proxy-manager, the agent) runs as its own `chaos-lab <subcommand>` process, the same boundary as its
 * compose container, so killing one is the same fault as stopping a container.
 *
 * Children log to the log files themselves (`LOG_CONSOLE=off`); anything else they print (a crash
 * trace, the agent's summary) is captured line by line into `logs/info.log` through the lab's logger,
 * so the console stays readable and nothing is lost.
 *
 * Each child runs in a process group of its own (`detached`, i.e. setsid): a signal to the launcher's
 * group (a terminal's Ctrl-C, `kill -TERM -PGID`, npm and its shell) reaches the launcher only, which
 * then stops the children one by one in the order that keeps the record whole (agent, proxy-manager,
 * the rest). Were they in the launcher's group, each would get the group's signal and then the
 * launcher's SIGTERM, take that as a second signal and exit at once, leaving prompts without rows and
 * toxics open. A child whose launcher dies stops by itself (`CHAOS_LAB_PARENT_PID`, see lifecycle.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { PROJECT_ROOT, type Logger } from '@chaos-lab/common';

/** The `chaos-lab` entry every child runs. */
export const CLI_PATH = join(PROJECT_ROOT, 'lab', 'bin', 'chaos-lab.js');

/** A running child and how to stop it. */
export interface LabChild {
  /** e.g. `weather`, `toxiproxy`, `agent`. */
  readonly name: string;
  readonly process: ChildProcess;
  /** Lines the child printed on stdout (kept for the agent's summary). */
  readonly stdout: string[];
  /** Lines the child printed on stderr (its one-line error when it fails). */
  readonly stderr: string[];
  /** Settles with a one-line reason (`exited with code 1`) when the child exits. */
  readonly exited: Promise<string>;
  /** Exit code once exited (null while running or when killed by a signal). */
  exitCode(): number | null;
  /** True once the child has exited. */
  hasExited(): boolean;
  /** Writes one line to the child's standard input (only for children started with `stdin: true`). */
  send(line: string): void;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000); resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** True once {@link stop} was called: its exit is then expected, not a death. */
  stopping(): boolean;
}

/**
 * Starts `chaos-lab <args…>` as a child.
 * @param name label for logs and messages
 * @param args subcommand and options, e.g. `['tool', 'weather']`
 * @param env the child's whole environment
 * @param logger receives the child's stray output, bound to `child: name`
 * @param options `stdin: true` opens a pipe to the child's standard input (see {@link LabChild.send});
 *   `command` runs that program and its arguments (a lab file's `run: command`) instead of the CLI with `args`
 */
export function startChild(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logger: Logger,
  options: { stdin?: boolean; command?: readonly string[] } = {},
): LabChild {
  // `command`: a program of the user's (a lab file's run: command) instead of the lab's CLI.
  const [program, ...programArgs] = options.command ?? [process.execPath, CLI_PATH, ...args];
  const proc = spawn(program!, programArgs, {
    cwd: PROJECT_ROOT,
    env,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true, // a process group of its own: see the file comment
  });
  const log = logger.child({ child: name });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    stdout.push(line);
    log.info({ stream: 'stdout' }, line);
  });
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    stderr.push(line);
    log.warn({ stream: 'stderr' }, line);
  });
  let done = false;
  let stopped: Promise<void> | undefined;
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      done = true;
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
    proc.once('error', (err) => {
      done = true;
      resolve(`could not start: ${err.message}`);
    });
  });
  return {
    name,
    process: proc,
    stdout,
    stderr,
    exited,
    exitCode: () => proc.exitCode,
    send(line) {
      proc.stdin?.write(`${line}\n`);
    },
    hasExited: () => done,
    stopping: () => stopped !== undefined,
    stop(graceMs = 5000) {
      // Once only: a second SIGTERM would make the child skip its orderly shutdown.
      stopped ??= (async () => {
        if (done) return;
        // A child paused by a planned fault (SIGSTOP) would hold SIGTERM pending until SIGKILL: continue it first.
        proc.kill('SIGCONT');
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
