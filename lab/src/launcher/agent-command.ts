/**
 * The agent under test's command (`AGENT_COMMAND`) after the lab stops. The agent part starts it in a
 * process group of its own and stops it at the end of the run; a SIGKILLed agent part cannot, and
 * would leave it running. The part records the group in `parts` (`AGENT_COMMAND_PART`), so the
 * launcher, which outlives every part, stops what is still recorded as running.
 */
import { AGENT_COMMAND_PART, partStopped, readPart, type Database } from '@chaos-lab/common';

/** How long the command has after SIGTERM before SIGKILL, ms. */
const GRACE_MS = 2000;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the agent command's process group when its agent part left it running (SIGTERM, then
 * SIGKILL after {@link GRACE_MS}), and records it stopped.
 * @param say a line for the console
 */
export async function stopLeftAgentCommand(db: Database, say: (line: string) => void): Promise<void> {
  const row = readPart(db, AGENT_COMMAND_PART);
  if (!row || row.stoppedAt !== null || row.pid === null) return;
  const pgid = row.pid;
  if (groupAlive(pgid)) {
    say(
      `chaos-lab: stopping the agent under test (AGENT_COMMAND, process group ${pgid}) that its agent part left running`,
    );
    process.kill(-pgid, 'SIGTERM');
    const deadline = Date.now() + GRACE_MS;
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
  partStopped(db, AGENT_COMMAND_PART, Date.now());
}
