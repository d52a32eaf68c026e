/**
 * The end of a run of `chaos-lab up`, once every part has stopped: the record completed whatever
 * stopped the run, and its charts and report rendered.
 */
import { join } from 'node:path';
import { steeringState, type Database, type Logger, type Settings } from '@chaos-lab/common';
import type { Prompt } from '@chaos-lab/agent/prompts';
import { renderCharts } from '@chaos-lab/report';
import {
  closeLostManagerEvents,
  closeToxicsOfLostToxiproxy,
  completeRunRecord,
  type RecordedRun,
  type RunEnding,
} from './run-record.js';
import type { LostPart } from './supervisor.js';

/**
 * Completes the run's record once every part has stopped (run-record.ts): toxic events of a dead
 * Toxiproxy closed at its death and those of a dead proxy-manager at its last heartbeat, a row for
 * every prompt, counts from the rows.
 * @returns the run's status and error as recorded, or undefined when the agent never recorded the run
 */
export function finishRecord(
  db: Database,
  runId: string,
  prompts: readonly Prompt[],
  ending: RunEnding,
  say: (line: string) => void,
  lost?: LostPart,
): RecordedRun | undefined {
  if (lost?.part === 'toxiproxy') {
    const closed = closeToxicsOfLostToxiproxy(db, lost.at);
    if (closed > 0)
      say(`chaos-lab: closed ${closed} toxic event(s) at the death of the Toxiproxy server that held them`);
  }
  const lostManager = closeLostManagerEvents(db);
  if (lostManager.closed > 0) {
    say(
      `chaos-lab: closed ${lostManager.closed} toxic event(s) of the dead proxy-manager at its last heartbeat (${new Date(lostManager.lastHeartbeatAt!).toISOString()})`,
    );
  }
  return completeRunRecord(db, runId, prompts, ending);
}

/** True when an abort of the run was asked through steering and the agent recorded the run interrupted. */
export function abortedBySteering(db: Database, runId: string): boolean {
  const run = db.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined;
  return run?.status === 'interrupted' && steeringState(db, runId).abortRequestedAt !== undefined;
}

/** Renders the run's charts and report (any status: an interrupted or failed run has its story too). */
export async function renderReport(
  settings: Settings,
  db: Database,
  runId: string,
  logger: Logger,
  say: (line: string) => void,
): Promise<void> {
  say('');
  say(`logs:     ${join(settings.LOG_DIR, 'info.log')}, ${join(settings.LOG_DIR, 'agent.log')}`);
  say(`database: ${settings.LAB_DB_PATH}`);
  try {
    const charts = await renderCharts({ db, runId, outDir: settings.CHARTS_DIR, logger });
    say(`charts:   ${settings.CHARTS_DIR} (${charts.files.length} files)`);
    say(`report:   ${charts.indexHtml}`);
  } catch (err) {
    logger.error({ err }, 'charts could not be rendered');
    say(
      `chaos-lab: the charts could not be rendered (${(err as Error).message}); the record is complete in the database`,
    );
  }
}
