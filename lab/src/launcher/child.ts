/**
 * The lab's child processes: each part of the lab (Toxiproxy-compatible server, a tool service, the
 * proxy-manager, the agent) runs as its own `chaos-lab <subcommand>` process, the same boundary as its
 * compose container, so killing one is the same fault as stopping a container.
 *
 * Children log to the log files themselves (`LOG_CONSOLE=off`); anything else they print (a crash
 * trace, the agent's summary) is captured line by line into `logs/info.log` through the lab's logger,
 * so the console stays readable and nothing is lost.
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
}

/**
 * Starts `chaos-lab <args…>` as a child.
 * @param name label for logs and messages
 * @param args subcommand and options, e.g. `['tool', 'weather']`
 * @param env the child's whole environment
 * @param logger receives the child's stray output, bound to `child: name`
 * @param options `stdin: true` opens a pipe to the child's standard input (see {@link LabChild.send})
 */
export function startChild(name: string, args: readonly string[], env: NodeJS.ProcessEnv, logger: Logger, options: { stdin?: boolean } = {}): LabChild {
  const proc = spawn(process.execPath, [CLI_PATH, ...args], { cwd: PROJECT_ROOT, env, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
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
    async stop(graceMs = 5000) {
      if (done) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
