/**
 * `service` faults through the tool service's process (`npm start`: the launcher records each tool
 * child's pid in `parts` as `tool:<service>`): `kill` sends SIGKILL and `stop` SIGTERM, and the launcher
 * restarts the service once the slot's event is closed (it waits while an open kill/stop event of the
 * service exists); `pause` sends SIGSTOP and SIGCONT when the slot ends; `restart` sends SIGTERM and
 * the launcher restarts it at once. In compose the containers are not the manager's to signal
 * (dockerode, opt-in, is not built yet): `apply` throws, and the fault is logged as not fired.
 */
import { readFileSync } from 'node:fs';
import { readPart, type Database } from '@chaos-lab/common';
import type { EventShape, FaultKind, Slot } from './fault-kind.js';

/** The `parts` name under which the launcher records a tool service's process. */
export function toolPart(service: string): string {
  return `tool:${service}`;
}

const SIGNALS = { kill: 'SIGKILL', stop: 'SIGTERM', pause: 'SIGSTOP', restart: 'SIGTERM' } as const;

function action(slot: Slot): keyof typeof SIGNALS {
  if (slot.fault.kind !== 'service') throw new Error(`not a service fault: ${slot.fault.kind}`);
  return slot.fault.action;
}

/** How long a kill, stop or restart waits for the process to be gone before the fault counts as in place, ms. */
const GONE_WAIT_MS = 5000;

/**
 * Resolves once `pid` no longer exists (signal 0 fails with ESRCH), or after `waitMs`. A zombie still
 * exists until its parent (the launcher) reaps it, which Node does at once.
 */
async function gone(pid: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Resolves once `pid` is stopped (`stopped`: state T in /proc/<pid>/stat) or no longer stopped, or
 * after `waitMs`, or at once where /proc cannot tell (not Linux, the process gone).
 */
async function inState(pid: number, stopped: boolean, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    let state: string;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.charAt(0) ?? '';
    } catch {
      return;
    }
    if ((state === 'T' || state === 't') === stopped) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The pid of a target's process, or an error naming why there is none. */
function pidOf(db: Database, service: string): number {
  const part = readPart(db, toolPart(service));
  if (!part?.pid || part.stoppedAt !== null)
    throw new Error(
      `no process of the ${service} tool service is recorded in parts (service faults need chaos-lab up / npm start)`,
    );
  return part.pid;
}

/** The service kind, reading pids from `db`. */
export function serviceFaults(db: Database): FaultKind {
  const paused = new Map<string, number>();
  return {
    shape(slot): EventShape {
      return {
        kind: 'service',
        name: `plan_${slot.fault.name}_${slot.service}`,
        type: action(slot),
        stream: null,
        toxicity: null,
        attributes: { signal: SIGNALS[action(slot)] },
      };
    },
    async apply(slot) {
      const pid = pidOf(db, slot.service);
      process.kill(pid, SIGNALS[action(slot)]);
      // The attempt this fault is acknowledged for must meet a stopped or dead service, not one still
      // running: signals are delivered asynchronously.
      if (action(slot) === 'pause') {
        paused.set(slot.service, pid);
        await inState(pid, true, GONE_WAIT_MS);
      } else {
        await gone(pid, GONE_WAIT_MS);
      }
    },
    async revert(slot, log) {
      const pid = paused.get(slot.service);
      if (pid === undefined) return;
      paused.delete(slot.service);
      try {
        process.kill(pid, 'SIGCONT');
        await inState(pid, false, GONE_WAIT_MS);
      } catch (err) {
        log.warn(
          { err: (err as Error).message, service: slot.service, pid },
          'paused service could not be continued (it is gone)',
        );
      }
    },
  };
}
