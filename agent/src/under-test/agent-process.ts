/**
 * `AGENT_COMMAND`: the agent's process, started by the lab before the run (`sh -c`, in its own process
 * group, with the handoff in its environment) and stopped after it (SIGTERM to the group, SIGKILL
 * after {@link STOP_GRACE_MS}). Its output goes to info.log, one line per line, tagged
 * `agent-under-test`. And the wait for `AGENT_URL/health`, whether the lab started the agent or not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { LabError, type Logger, PROJECT_ROOT, checkHealth } from '@chaos-lab/common';

/** How long a stopped agent process gets between SIGTERM and SIGKILL, ms. */
export const STOP_GRACE_MS = 5000;

/** Time between two health checks while waiting, ms. */
const HEALTH_POLL_MS = 100;

/** The agent's process, started. */
export interface AgentProcess {
  readonly pid: number;
  /** The last lines it wrote (at most 20), for an error message. */
  readonly lastLines: string[];
  /** Resolves with how it ended, once it has (see {@link describeExit}). */
  readonly exited: Promise<string>;
  /** Stops the process group; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * How a process ended, in words: `exited with status 3`, `exited (signal SIGKILL)`. The command runs
 * under `sh -c`, which does not exec it: a command killed by signal n makes the shell exit with status
 * 128 + n (POSIX, "Exit Status for Commands"), said as `exited with status 137 (signal SIGKILL)`.
 * @param code the exit status, null when a signal ended the process itself
 * @param signal the signal that ended it, null when it exited
 */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `exited (signal ${signal})`;
  const byShell =
    code !== null && code > 128 ? Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] : undefined;
  return `exited with status ${code}${byShell ? ` (signal ${byShell})` : ''}`;
}

/**
 * Starts the command.
 * @param command `AGENT_COMMAND`, run by `sh -c` from the project root
 * @param env variables added to the lab's own environment (the handoff)
 * @param log info.log
 */
export function startAgentProcess(command: string, env: Record<string, string>, log: Logger): AgentProcess {
  const child: ChildProcess = spawn('sh', ['-c', command], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lastLines: string[] = [];
  const out = log.child({ part: 'agent-under-test' });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > 20) lastLines.shift();
      out.info({ pid: child.pid }, line);
    });
  }
  const exited = new Promise<string>((resolve) => {
    // 'close', not 'exit': its output has been read by then, for the error message.
    child.once('close', (code, signal) => resolve(describeExit(code, signal)));
    child.once('error', (err) => resolve(`could not start: ${err.message}`));
  });
  out.info({ pid: child.pid, command }, 'agent under test started');
  return {
    pid: child.pid ?? -1,
    lastLines,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // The group is gone already.
        }
      };
      kill('SIGTERM');
      const late = setTimeout(() => kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(late);
    },
  };
}

/**
 * Waits until `GET <agentUrl>/health` answers 2xx.
 * @param agentUrl `AGENT_URL`
 * @param timeoutMs `AGENT_READY_TIMEOUT_MS`
 * @param process the started agent, when the lab started it: its exit ends the wait at once
 * @throws {LabError} `NOT_READY` with the last check's outcome (and the process's last lines)
 */
export async function waitForAgent(agentUrl: string, timeoutMs: number, process?: AgentProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: string | undefined;
  void process?.exited.then((how) => (gone = how));
  let last = 'no check made';
  while (Date.now() < deadline && gone === undefined) {
    const check = await checkHealth(`${agentUrl}/health`, Math.max(1, Math.min(2000, deadline - Date.now())));
    if (check.ok) return;
    last = check.why;
    await delay(HEALTH_POLL_MS);
  }
  const tail =
    process && process.lastLines.length > 0 ? `; its last output: ${process.lastLines.slice(-3).join(' | ')}` : '';
  const why =
    gone !== undefined
      ? `the agent's command ${gone} before ${agentUrl}/health answered`
      : `${agentUrl}/health did not answer 2xx within ${timeoutMs} ms (last: ${last})`;
  throw new LabError('NOT_READY', `agent under test: ${why}${tail}`);
}
