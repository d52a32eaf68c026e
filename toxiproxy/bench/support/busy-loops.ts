/**
 * CPU contention for a loaded-machine run (`BENCH_BUSY_LOOPS=N`): N shell busy loops beside the
 * benchmark, stopped by their own process ids when it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `count` busy loops (`sh -c 'while :; do :; done'`).
 * @returns a function that kills exactly those processes
 */
export function startBusyLoops(count: number): () => void {
  const loops: ChildProcess[] = [];
  for (let i = 0; i < count; i++) loops.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  return () => {
    for (const loop of loops) if (loop.pid !== undefined && loop.exitCode === null) process.kill(loop.pid, 'SIGKILL');
  };
}
