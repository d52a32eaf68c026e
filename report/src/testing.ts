/**
 * Test support (imported as `@chaos-lab/report/testing`): synthetic runs for the report's tests and
 * the commands that read runs (`chaos-lab charts`, `chaos-lab runs`), written with plain SQL into a real lab database, shaped like
 * what the agent and the proxy-manager record: prompts one after another, tool calls through the
 * proxies with retries (TOOL_LIMIT 3) and direct fallbacks, timeouts while a toxic is on the proxy,
 * simulated 503s (marked simulated), unexplained resets, timeout/latency toxics on several proxies,
 * logical calls with their arguments, and prompts of every status but interrupted. Seeded, so every
 * test run sees the same rows.
 */
import { createRandom, openDatabase, SERVICES, writeTransaction, type Database, type Random } from '@chaos-lab/common';

/** What a synthetic run holds, for the tests to check the charts against. */
export interface SyntheticRun {
  readonly runId: string;
  readonly startedAt: number;
  readonly prompts: number;
  readonly toolCalls: number;
  readonly toxics: number;
  /** How many prompts got each status. */
  readonly statuses: Record<string, number>;
}

interface Toxic {
  proxy: string;
  service: string;
  type: string;
  stream: 'upstream' | 'downstream';
  startedAt: number;
  endedAt: number;
}

const PROXY_TIMEOUT_MS = 1500;
const TOOL_LIMIT = 3;

function insertRun(
  db: Database,
  runId: string,
  startedAt: number,
  finishedAt: number | null,
  status: string,
  seed: number,
  promptsTotal: number,
): void {
  const settings = {
    TOXIC_PROB: 0.2,
    ERROR_PROB: 0.1,
    TOOL_LIMIT,
    PROMPT_LIMIT: 1,
    CHAOS_SEED: seed,
    TOXICS: ['timeout', 'latency'],
    LLM_PROVIDER: 'offline',
    GROQ_API_KEY: undefined,
  };
  db.prepare(
    `INSERT INTO runs (run_id, started_at, finished_at, status, seed, settings, prompts_total, model) VALUES (?, ?, ?, ?, ?, ?, ?, 'offline')`,
  ).run(runId, startedAt, finishedAt, status, seed, JSON.stringify(settings), promptsTotal);
  db.prepare(
    `INSERT INTO control (run_id, phase, current_prompt, heartbeat_at, updated_at) VALUES (?, 'done', NULL, ?, ?)`,
  ).run(runId, finishedAt ?? startedAt, finishedAt ?? startedAt);
}

/** Toxics over `durationMs`: each proxy, each second, with probability 4 %, for 2 to 6 s. */
function planToxics(random: Random, startedAt: number, durationMs: number): Toxic[] {
  const toxics: Toxic[] = [];
  const busyUntil = new Map<string, number>();
  for (let t = startedAt + 1000; t < startedAt + durationMs; t += 1000) {
    for (const service of SERVICES) {
      if ((busyUntil.get(service.name) ?? 0) > t || !random.chance(0.04)) continue;
      const endedAt = t + random.int(2000, 6000);
      busyUntil.set(service.name, endedAt);
      toxics.push({
        proxy: service.proxyName,
        service: service.name,
        type: random.chance(0.5) ? 'timeout' : 'latency',
        stream: random.chance(0.5) ? 'upstream' : 'downstream',
        startedAt: t,
        endedAt,
      });
    }
  }
  return toxics;
}

/**
 * Writes a completed run of `promptCount` prompts with chaos.
 * @returns what was written
 */
export function insertChaosRun(
  db: Database,
  options: { runId: string; startedAt: number; seed: number; promptCount: number },
): SyntheticRun {
  const random = createRandom(options.seed);
  const { runId, startedAt, promptCount } = options;
  const toxics = planToxics(random.fork('toxics'), startedAt, promptCount * 6000);
  // Draws added with schema v2 (resets, statuses) come from their own fork, so the tool calls stay as before.
  const v2 = random.fork('schema-v2');
  const toxicOn = (service: string, at: number) =>
    toxics.find((t) => t.service === service && t.startedAt <= at && at < t.endedAt);
  let toolCalls = 0;
  let clock = startedAt + 300;
  const statuses: Record<string, number> = {};
  writeTransaction(db, () => {
    insertRun(db, runId, startedAt, null, 'running', options.seed, promptCount);
    const insertCall = db.prepare(
      `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, attempt_id, tool, service, attempt, via, outcome, http_status, simulated,
                               started_at, duration_ms, error)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertLogical = db.prepare(
      `INSERT INTO logical_calls (call_id, run_id, prompt_index, prompt_attempt, tool, service, arguments, status, attempts, http_status,
                                  result_digest, started_at, finished_at)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertPrompt = db.prepare(
      `INSERT INTO prompt_results (run_id, prompt_index, prompt_id, prompt, status, attempts, answer, verdict, error_type, error, started_at, finished_at, duration_ms)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let index = 0; index < promptCount; index++) {
      const promptStart = clock;
      clock += random.int(200, 900); // the model thinking
      let failedCall = false;
      const callCount = random.int(1, 3);
      for (let n = 0; n < callCount; n++) {
        const service = random.pick(SERVICES);
        const tool = random.pick(service.tools);
        const callId = `${runId}-p${index}-call_${n}`;
        const callStart = clock;
        toolCalls++;
        let answered = false;
        let attempts = 0;
        for (let attempt = 1; attempt <= TOOL_LIMIT && !answered; attempt++) {
          const toxic = toxicOn(service.name, clock);
          let outcome: string;
          let durationMs: number;
          let simulated = 0;
          if (toxic?.type === 'timeout') [outcome, durationMs] = ['timeout', PROXY_TIMEOUT_MS];
          else if (random.chance(0.1)) [outcome, durationMs, simulated] = ['http_error', random.int(3, 15), 1];
          else if (v2.chance(0.05)) [outcome, durationMs] = ['reset', v2.int(1, 4)];
          else [outcome, durationMs] = ['ok', random.int(8, 60) + (toxic ? 400 : 0)];
          answered = outcome === 'ok';
          attempts++;
          const status = outcome === 'http_error' ? 503 : outcome === 'ok' ? 200 : null;
          insertCall.run(
            runId,
            index,
            callId,
            `${callId}-a${attempt}`,
            tool,
            service.name,
            attempt,
            'proxy',
            outcome,
            status,
            simulated,
            clock,
            durationMs,
            answered ? null : outcome,
          );
          clock += durationMs + 5;
        }
        if (!answered) {
          const ok = random.chance(0.75);
          const durationMs = ok ? random.int(8, 40) : 2;
          attempts++;
          insertCall.run(
            runId,
            index,
            callId,
            `${callId}-a${attempts}`,
            tool,
            service.name,
            attempts,
            'direct',
            ok ? 'ok' : 'connection_error',
            ok ? 200 : null,
            0,
            clock,
            durationMs,
            ok ? null : 'ECONNREFUSED',
          );
          clock += durationMs + 5;
          answered = ok;
          failedCall ||= !ok;
        }
        insertLogical.run(
          callId,
          runId,
          index,
          tool,
          service.name,
          JSON.stringify({ query: `question ${index}.${n}` }),
          answered ? 'result' : 'no_result',
          attempts,
          answered ? 200 : null,
          answered ? '{"answer":"…"}' : null,
          callStart,
          clock,
        );
      }
      clock += random.int(100, 600); // the final answer
      const modelFailed = !failedCall && random.chance(0.08);
      const answeredStatus = v2.pick(['correct', 'correct', 'correct', 'correct', 'unchecked', 'wrong', 'unhandled']);
      const status = failedCall || modelFailed ? 'failed' : answeredStatus;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const errorType = failedCall ? 'tool_limit' : modelFailed ? 'model' : null;
      const answer =
        status === 'failed'
          ? null
          : status === 'unhandled'
            ? 'Sorry, I could not work out what to do.'
            : `an answer to prompt ${index}`;
      insertPrompt.run(
        runId,
        index,
        `p${index}`,
        `prompt number ${index}`,
        status,
        answer,
        `verdict: ${status}`,
        errorType,
        errorType,
        promptStart,
        clock,
        clock - promptStart,
      );
      clock += 50;
    }
    const insertToxic = db.prepare(
      `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, ended_at, ended_by)
       VALUES (?, 'toxic', ?, ?, ?, ?, ?, 1, ?, ?, ?, 'removed')`,
    );
    for (const t of toxics) {
      if (t.startedAt > clock) break;
      insertToxic.run(
        runId,
        t.proxy,
        t.service,
        `${t.type}_${t.stream}`,
        t.type,
        t.stream,
        JSON.stringify(t.type === 'timeout' ? { timeout: 0 } : { latency: 400 }),
        t.startedAt,
        Math.min(t.endedAt, clock),
      );
    }
    // The translator service down for 2 s in the middle of the run (a fault that is not a toxic).
    const middle = Math.round((startedAt + clock) / 2);
    db.prepare(
      `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, started_at, ended_at, ended_by)
       VALUES (?, 'service_down', NULL, 'translator', 'translator down', 'kill', ?, ?, 'restarted')`,
    ).run(runId, middle, middle + 2000);
    db.prepare(`UPDATE runs SET finished_at = ?, status = 'completed' WHERE run_id = ?`).run(clock, runId);
  });
  return {
    runId,
    startedAt,
    prompts: promptCount,
    toolCalls,
    toxics: toxics.filter((t) => t.startedAt <= clock).length,
    statuses,
  };
}

/**
 * Writes a run that recorded nothing but itself: no prompt finished, no tool call, no toxic (an
 * agent that failed at once).
 */
export function insertEmptyRun(db: Database, options: { runId: string; startedAt: number }): void {
  writeTransaction(db, () => {
    insertRun(db, options.runId, options.startedAt, options.startedAt + 1200, 'failed', 7, 3);
  });
}

/**
 * A database file at `dbPath` with three runs, oldest first: an empty one two hours before `t0`
 * (`run-empty`), an 8-prompt chaos run an hour before (`run-old`, seed 9) and a 24-prompt chaos run at
 * `t0` (`run-latest`, seed 37): the history the report's and the `charts` command's tests choose from.
 * `t0` is in milliseconds since the epoch.
 */
export function writeThreeRuns(dbPath: string, t0: number): { older: SyntheticRun; latest: SyntheticRun } {
  const hourMs = 3_600_000;
  const writer = openDatabase(dbPath);
  try {
    insertEmptyRun(writer, { runId: 'run-empty', startedAt: t0 - 2 * hourMs });
    const older = insertChaosRun(writer, { runId: 'run-old', startedAt: t0 - hourMs, seed: 9, promptCount: 8 });
    const latest = insertChaosRun(writer, { runId: 'run-latest', startedAt: t0, seed: 37, promptCount: 24 });
    return { older, latest };
  } finally {
    writer.close();
  }
}

export * from './testing-http-agent.js';
