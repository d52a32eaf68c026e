/**
 * Synthetic runs for the chart tests, written with plain SQL into a real lab database, shaped like
 * what the agent and the proxy-manager record: prompts one after another, tool calls through the
 * proxies with retries (TOOL_LIMIT 3) and direct fallbacks, timeouts while a toxic is on the proxy,
 * simulated 503s, and timeout/latency toxics on several proxies. Seeded, so every test run sees the
 * same rows.
 */
import { createRandom, SERVICES, writeTransaction, type Database, type Random } from '@chaos-lab/common';

/** What a synthetic run holds, for the tests to check the charts against. */
export interface SyntheticRun {
  readonly runId: string;
  readonly startedAt: number;
  readonly prompts: number;
  readonly toolCalls: number;
  readonly toxics: number;
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

function insertRun(db: Database, runId: string, startedAt: number, finishedAt: number | null, status: string, seed: number, promptsTotal: number): void {
  const settings = { TOXIC_PROB: 0.2, ERROR_PROB: 0.1, TOOL_LIMIT, PROMPT_LIMIT: 1, CHAOS_SEED: seed, TOXICS: ['timeout', 'latency'], LLM_PROVIDER: 'offline', GROQ_API_KEY: undefined };
  db.prepare(
    `INSERT INTO runs (run_id, started_at, finished_at, status, seed, settings, prompts_total, model) VALUES (?, ?, ?, ?, ?, ?, ?, 'offline')`,
  ).run(runId, startedAt, finishedAt, status, seed, JSON.stringify(settings), promptsTotal);
  db.prepare(`INSERT INTO control (run_id, phase, current_prompt, heartbeat_at, updated_at) VALUES (?, 'done', NULL, ?, ?)`).run(
    runId,
    finishedAt ?? startedAt,
    finishedAt ?? startedAt,
  );
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
        type: random.chance(0.8) ? 'timeout' : 'latency',
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
export function insertChaosRun(db: Database, options: { runId: string; startedAt: number; seed: number; promptCount: number }): SyntheticRun {
  const random = createRandom(options.seed);
  const { runId, startedAt, promptCount } = options;
  const toxics = planToxics(random.fork('toxics'), startedAt, promptCount * 6000);
  const toxicOn = (service: string, at: number) => toxics.find((t) => t.service === service && t.startedAt <= at && at < t.endedAt);
  let toolCalls = 0;
  let clock = startedAt + 300;
  writeTransaction(db, () => {
    insertRun(db, runId, startedAt, null, 'running', options.seed, promptCount);
    const insertCall = db.prepare(
      `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome, http_status, started_at, duration_ms, error)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertPrompt = db.prepare(
      `INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, answer, error_type, error, started_at, finished_at, duration_ms)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    );
    for (let index = 0; index < promptCount; index++) {
      const promptStart = clock;
      clock += random.int(200, 900); // the model thinking
      let failedCall = false;
      const callCount = random.int(1, 3);
      for (let n = 0; n < callCount; n++) {
        const service = random.pick(SERVICES);
        const tool = random.pick(service.tools);
        const callId = `call_${n}`; // numbered per prompt, as a model does
        toolCalls++;
        let answered = false;
        for (let attempt = 1; attempt <= TOOL_LIMIT && !answered; attempt++) {
          const toxic = toxicOn(service.name, clock);
          let outcome: string;
          let durationMs: number;
          if (toxic?.type === 'timeout') [outcome, durationMs] = ['timeout', PROXY_TIMEOUT_MS];
          else if (random.chance(0.1)) [outcome, durationMs] = ['http_error', random.int(3, 15)];
          else [outcome, durationMs] = ['ok', random.int(8, 60) + (toxic ? 400 : 0)];
          answered = outcome === 'ok';
          insertCall.run(runId, index, callId, tool, service.name, attempt, 'proxy', outcome, outcome === 'http_error' ? 503 : outcome === 'ok' ? 200 : null, clock, durationMs, answered ? null : outcome);
          clock += durationMs + 5;
        }
        if (!answered) {
          const ok = random.chance(0.75);
          const durationMs = ok ? random.int(8, 40) : 2;
          insertCall.run(runId, index, callId, tool, service.name, 1, 'direct', ok ? 'ok' : 'connection_error', ok ? 200 : null, clock, durationMs, ok ? null : 'ECONNREFUSED');
          clock += durationMs + 5;
          failedCall ||= !ok;
        }
      }
      clock += random.int(100, 600); // the final answer
      const modelFailed = !failedCall && random.chance(0.08);
      const status = failedCall || modelFailed ? 'failed' : 'succeeded';
      const errorType = failedCall ? 'tool_limit' : modelFailed ? 'model' : null;
      insertPrompt.run(runId, index, `prompt number ${index}`, status, status === 'succeeded' ? 'an answer' : null, errorType, errorType, promptStart, clock, clock - promptStart);
      clock += 50;
    }
    const insertToxic = db.prepare(
      `INSERT INTO toxic_events (run_id, proxy, name, type, stream, toxicity, attributes, started_at, ended_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
    );
    for (const t of toxics) {
      if (t.startedAt > clock) break;
      insertToxic.run(runId, t.proxy, `${t.type}_${t.stream}`, t.type, t.stream, JSON.stringify(t.type === 'timeout' ? { timeout: 0 } : { latency: 400 }), t.startedAt, Math.min(t.endedAt, clock));
    }
    db.prepare(`UPDATE runs SET finished_at = ?, status = 'completed' WHERE run_id = ?`).run(clock, runId);
  });
  return { runId, startedAt, prompts: promptCount, toolCalls, toxics: toxics.filter((t) => t.startedAt <= clock).length };
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
