/**
 * A process and all its descendants, read from Linux's /proc (no `ps` child every sample: the bench
 * samples every 50 ms and must not load the machine it measures).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Page size, bytes (x86-64 and arm64 Linux use 4 KiB pages). */
const PAGE_BYTES = 4096;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** Sums over a process tree. */
export interface TreeUsage {
  /** Resident memory, KiB. */
  readonly rssKiB: number;
  /** CPU time (user + system) used so far by the live processes of the tree, ms. */
  readonly cpuMs: number;
}

/** One /proc/<pid>/stat, or undefined when the process is gone. See proc(5) for the fields. */
function stat(pid: string): { ppid: number; cpuTicks: number; rssPages: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) };
  } catch {
    return undefined;
  }
}

/** Resident memory and CPU time of `pid` and all its descendants; zeros when it is gone. */
export function processTree(pid: number): TreeUsage {
  const all = new Map<number, NonNullable<ReturnType<typeof stat>>>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s) all.set(Number(name), s);
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, s] of all)
      if (tree.has(s.ppid) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
  }
  let rssPages = 0;
  let cpuTicks = 0;
  for (const p of tree) {
    const s = all.get(p);
    if (!s) continue;
    rssPages += s.rssPages;
    cpuTicks += s.cpuTicks;
  }
  return { rssKiB: (rssPages * PAGE_BYTES) / 1024, cpuMs: (cpuTicks * 1000) / TICKS_PER_S };
}
