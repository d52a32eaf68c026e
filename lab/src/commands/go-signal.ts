/**
 * The launcher's `go`: a part started ahead of its time (the agent while the rest of the lab comes up,
 * so LangChain loads in parallel; a tool service restarted ahead of a planned kill's end, loaded and
 * waiting to listen) waits for a line `go` on its standard input.
 */
import { createInterface } from 'node:readline';
import { LabError } from '@chaos-lab/common';

/**
 * Resolves on a line `go` on standard input.
 * @throws {LabError} `NOT_READY` (rejects) when the input ends first: the launcher went away
 */
export function goSignal(): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() !== 'go') return;
      resolve(); // before close(): close() emits 'close' at once, which would reject
      lines.close();
      process.stdin.destroy(); // an open pipe would keep the process alive after the run
    });
    lines.once('close', () =>
      reject(
        new LabError('NOT_READY', 'standard input ended before "go": the launcher went away before the lab was ready'),
      ),
    );
  });
}
