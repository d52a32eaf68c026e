// Runs written through the lab's own record writers (the agent's RunRecords, the proxy-manager's
// toxic events), for the knowledge tests: each prompt uses one service through one logical call.
import type { Database } from '@chaos-lab/common';
import { RunRecords } from '@chaos-lab/agent/records';
import { closeToxicEvent, openToxicEvent } from '@chaos-lab/proxy-manager';

/** One prompt: its service, its final status, and its call's attempts (outcome, ms). */
export interface PromptSpec {
  readonly service: string;
  readonly status: 'correct' | 'unchecked' | 'wrong' | 'unhandled' | 'failed';
  readonly attempts: readonly { outcome: 'ok' | 'timeout' | 'reset'; durationMs: number }[];
}

/** A toxic over [from, to) ms after the run's start, on a service's proxy. */
export interface ToxicSpec {
  readonly service: string;
  readonly type: string;
  readonly attributes: Record<string, number>;
  readonly fromMs: number;
  readonly toMs: number | null;
  readonly toxicity?: number;
}

/** What the runs row records besides the prompts: the seed and the settings the run was made with. */
export interface RunSpec {
  readonly seed?: number;
  readonly settings?: Record<string, unknown>;
  readonly model?: string;
}

/** Each prompt lasts this long, ms; prompt i starts at i × PROMPT_MS after the run's start. */
export const PROMPT_MS = 1000;

/**
 * Writes one run: the runs row, each prompt's attempts, logical call and result, then the toxics.
 * @param status the run's end (`running`: never finished)
 * @param run the seed (default 1), settings (default none recorded) and model (default `offline`)
 */
export function recordRun(
  db: Database,
  runId: string,
  startedAt: number,
  prompts: readonly PromptSpec[],
  toxics: readonly ToxicSpec[],
  status: 'completed' | 'running' = 'completed',
  run: RunSpec = {},
): void {
  let clock = startedAt;
  const records = new RunRecords(db, runId, () => clock);
  records.start({
    seed: run.seed ?? 1,
    settings: run.settings ?? {},
    promptsTotal: prompts.length,
    model: run.model ?? 'offline',
  });
  prompts.forEach((p, i) => {
    const promptStart = startedAt + i * PROMPT_MS;
    const callId = `${runId}-c${i}`;
    let t = promptStart + 10;
    p.attempts.forEach((a, n) => {
      records.addToolCall({
        promptIndex: i,
        promptAttempt: 1,
        callId,
        tool: `${p.service}_tool`,
        service: p.service,
        attempt: n + 1,
        via: 'proxy',
        outcome: a.outcome,
        httpStatus: a.outcome === 'ok' ? 200 : null,
        startedAt: t,
        durationMs: a.durationMs,
        error: null,
      });
      t += a.durationMs + 5;
    });
    const answered = p.attempts.some((a) => a.outcome === 'ok');
    records.addLogicalCall({
      callId,
      promptIndex: i,
      promptAttempt: 1,
      tool: `${p.service}_tool`,
      service: p.service,
      arguments: {},
      status: answered ? 'result' : 'no_result',
      attempts: p.attempts.length,
      httpStatus: answered ? 200 : null,
      resultDigest: null,
      resultSha256: null,
      startedAt: promptStart + 10,
      finishedAt: t,
    });
    records.addPromptResult({
      promptIndex: i,
      prompt: `prompt ${i}`,
      status: p.status,
      attempts: 1,
      answer: 'answer',
      errorType: p.status === 'failed' ? 'network' : null,
      error: null,
      startedAt: promptStart,
      finishedAt: promptStart + PROMPT_MS - 1,
    });
  });
  for (const [k, x] of toxics.entries()) {
    const id = openToxicEvent(db, {
      runId,
      proxy: `${x.service}_proxy`,
      name: `${x.type}_${k}`,
      type: x.type,
      stream: 'downstream',
      toxicity: x.toxicity ?? 1,
      attributes: x.attributes,
      startedAt: startedAt + x.fromMs,
    });
    if (x.toMs !== null) closeToxicEvent(db, id, startedAt + x.toMs);
  }
  clock = startedAt + prompts.length * PROMPT_MS;
  if (status === 'completed') records.finish('completed', null);
}
