/**
 * What the knowledge is learnt from, read from the record (docs/record.md): the fault events
 * of finished runs, the attempts and model calls each touched, the prompts of those runs, each run's
 * seed, settings profile (`runs.settings`, `runs.model`: settings-profile.ts) and prompt texts (for
 * replays.ts), and what the experiments measured of them and the tolerances they checked them with
 * (tolerance.ts). Only finished runs count (status other than `running`): a run still
 * going has prompts without a result yet.
 *
 * Which attempts a fault touched is the `attempt_faults` view's answer
 * (common/src/schema/migrations/003-attribution-views.ts), clamped to the end of the fault's run for
 * an event never closed (its process died; the next start removed the toxic, so it did not bite later
 * runs). The model is a target too: a model call touched by an LLM
 * fault (model_calls.fault_event_id) or by a toxic on model_proxy (time overlap).
 */
import { countCheckedPrompts, type Database } from '@chaos-lab/common';
import { promptsDigest, type RunFacts } from './replays.js';
import { settingsProfile } from './settings-profile.js';
import { strictestTolerance, type ResolvedTolerance, type SuccessCheck } from './tolerance.js';

/** A fault event of a finished run. */
export interface EventRow {
  readonly id: number;
  readonly runId: string;
  readonly kind: string;
  /** The tool service, or `model`. */
  readonly target: string;
  readonly type: string;
  readonly stream: string | null;
  readonly toxicity: number | null;
  readonly attributes: string;
  readonly startedAt: number;
  /** ended_at, or the run's end for an event never closed. */
  readonly endedAt: number;
}

/** One attempt (tool call attempt or model call request) a fault touched. */
export interface ExposureRow {
  readonly eventId: number;
  /** The attempt's own row: `t<tool_attempts.attempt_row>` (negative: seen at a service) or `m<model_calls.id>`. */
  readonly attemptKey: string;
  readonly runId: string;
  /** null for a model call outside a prompt. */
  readonly promptIndex: number | null;
  /** The logical call the attempt belongs to (call_id, or run/prompt/attempt/call_index of a model call). */
  readonly callKey: string;
  readonly durationMs: number;
  /** 1 when the attempt failed (a tool attempt neither ok nor 4xx; a model request not ok). */
  readonly failed: number;
  /** 1 when its call got a result in the end (logical_calls.status result; a model request of the call ok). */
  readonly callResult: number;
}

/** A prompt of a finished run. */
export interface PromptRow {
  readonly runId: string;
  readonly promptIndex: number;
  readonly status: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
}

/** Everything the aggregation reads. */
export interface Evidence {
  readonly runs: number;
  /** Each finished run's seed, settings profile and prompts (settings-profile.ts, replays.ts). */
  readonly runFacts: ReadonlyMap<string, RunFacts>;
  readonly experiments: number;
  readonly events: readonly EventRow[];
  readonly exposures: readonly ExposureRow[];
  readonly prompts: readonly PromptRow[];
  /** `run/prompt` → the tool services its attempts used. */
  readonly servicesUsed: ReadonlyMap<string, ReadonlySet<string>>;
  /** run → duplicate_side_effects an experiment measured on it. */
  readonly duplicates: ReadonlyMap<string, number>;
  /** run → the strictest prompt_success_rate bound (atLeast) an experiment checked it with, relative ones resolved (tolerance.ts). */
  readonly tolerances: ReadonlyMap<string, ResolvedTolerance>;
}

const FINISHED = "SELECT run_id FROM runs WHERE status <> 'running'";

/**
 * Reads the evidence from the record. Read-only: a read-only handle is enough.
 * @param db the lab database, migrated
 */
export function readEvidence(db: Database): Evidence {
  const events = db
    .prepare(
      `SELECT f.id, f.run_id AS runId, f.kind,
              COALESCE(f.service, CASE WHEN f.proxy LIKE '%\\_proxy' ESCAPE '\\' THEN substr(f.proxy, 1, length(f.proxy) - 6) ELSE f.proxy END) AS target,
              f.type, f.stream, f.toxicity, f.attributes, f.started_at AS startedAt,
              COALESCE(f.ended_at, r.finished_at, f.started_at) AS endedAt
         FROM fault_events f JOIN runs r ON r.run_id = f.run_id
        WHERE r.status <> 'running'
        ORDER BY f.id`,
    )
    .all() as EventRow[];
  const toolExposures = db
    .prepare(
      `SELECT af.fault_event_id AS eventId, 't' || af.attempt_row AS attemptKey, af.run_id AS runId, af.prompt_index AS promptIndex,
              af.call_id AS callKey, af.attempt_ended_at - af.attempt_started_at AS durationMs, af.failed,
              CASE WHEN af.source = 'agent'
                   THEN COALESCE((SELECT lc.status = 'result' FROM logical_calls lc WHERE lc.call_id = af.call_id), 0)
                   ELSE EXISTS (SELECT 1 FROM service_tool_requests s
                                 WHERE s.run_id = af.run_id AND s.prompt_index = af.prompt_index
                                   AND s.prompt_attempt = af.prompt_attempt AND s.call_id = af.call_id
                                   AND s.status BETWEEN 1 AND 399) END AS callResult
         FROM attempt_faults af
         JOIN fault_events f ON f.id = af.fault_event_id
         JOIN runs fr ON fr.run_id = f.run_id AND fr.status <> 'running'
        WHERE af.run_id IN (${FINISHED})
          AND af.attempt_started_at < COALESCE(f.ended_at, fr.finished_at, f.started_at + 1)`,
    )
    .all() as ExposureRow[];
  const modelExposures = db
    .prepare(
      `SELECT f.id AS eventId, 'm' || m.id AS attemptKey, m.run_id AS runId, m.prompt_index AS promptIndex,
              m.run_id || '/' || COALESCE(m.prompt_index, '-') || '/' || COALESCE(m.prompt_attempt, '-') || '/' || m.call_index AS callKey,
              m.latency_ms AS durationMs, m.status <> 'ok' AS failed,
              EXISTS (SELECT 1 FROM model_calls ok
                       WHERE ok.run_id = m.run_id AND ok.prompt_index IS m.prompt_index AND ok.prompt_attempt IS m.prompt_attempt
                         AND ok.call_index = m.call_index AND ok.status = 'ok') AS callResult
         FROM fault_events f
         JOIN runs fr ON fr.run_id = f.run_id AND fr.status <> 'running'
         JOIN model_calls m
           ON (f.kind = 'llm' AND m.fault_event_id = f.id)
           OR (f.kind = 'toxic' AND f.proxy = 'model_proxy' AND m.run_id = f.run_id
               AND m.started_at < COALESCE(f.ended_at, fr.finished_at, f.started_at + 1)
               AND m.started_at + m.latency_ms >= f.started_at)`,
    )
    .all() as ExposureRow[];
  const prompts = db
    .prepare(
      `SELECT run_id AS runId, prompt_index AS promptIndex, status, started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs
         FROM prompt_results WHERE run_id IN (${FINISHED})`,
    )
    .all() as PromptRow[];
  const servicesUsed = new Map<string, Set<string>>();
  for (const row of db
    .prepare(
      `SELECT DISTINCT run_id AS runId, prompt_index AS promptIndex, service FROM tool_attempts WHERE run_id IN (${FINISHED})`,
    )
    .all() as {
    runId: string;
    promptIndex: number;
    service: string;
  }[]) {
    const key = `${row.runId}/${row.promptIndex}`;
    if (!servicesUsed.has(key)) servicesUsed.set(key, new Set());
    servicesUsed.get(key)!.add(row.service);
  }
  // One value per run from the experiments' checks of `metric`: the largest the run measured.
  const perRun = (metric: string) =>
    new Map(
      (
        db
          .prepare(
            `SELECT v.run_id AS runId, MAX(c.value) AS value
               FROM experiment_checks c JOIN experiment_variants v ON v.experiment_id = c.experiment_id AND v.variant = c.variant
              WHERE c.metric = ? AND v.run_id IS NOT NULL AND c.value IS NOT NULL
              GROUP BY v.run_id`,
          )
          .all(metric) as { runId: string; value: number }[]
      ).map((r) => [r.runId, r.value]),
    );
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    runs: count("SELECT COUNT(*) AS n FROM runs WHERE status <> 'running'"),
    runFacts: readRunFacts(db),
    experiments: count('SELECT COUNT(*) AS n FROM experiments WHERE finished_at IS NOT NULL'),
    events,
    exposures: [...toolExposures, ...modelExposures],
    prompts,
    servicesUsed,
    duplicates: perRun('duplicate_side_effects'),
    tolerances: readTolerances(db),
  };
}

/** Each finished run's seed, settings profile and prompts digest. */
function readRunFacts(db: Database): Map<string, RunFacts> {
  const texts = new Map<string, string[]>();
  for (const p of db
    .prepare(
      `SELECT run_id AS runId, prompt FROM prompt_results WHERE run_id IN (${FINISHED}) ORDER BY run_id, prompt_index`,
    )
    .all() as { runId: string; prompt: string }[]) {
    const list = texts.get(p.runId);
    if (list === undefined) texts.set(p.runId, [p.prompt]);
    else list.push(p.prompt);
  }
  const facts = new Map<string, RunFacts>();
  for (const r of db
    .prepare("SELECT run_id AS runId, seed, settings, model FROM runs WHERE status <> 'running'")
    .all() as { runId: string; seed: number; settings: string; model: string | null }[]) {
    let recorded: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(r.settings);
      if (typeof parsed === 'object' && parsed !== null) recorded = parsed as Record<string, unknown>;
    } catch {
      // An unreadable settings column: every setting reads "not recorded" in the profile.
    }
    facts.set(r.runId, {
      runId: r.runId,
      seed: r.seed,
      profile: settingsProfile(recorded, r.model),
      promptsDigest: promptsDigest(texts.get(r.runId) ?? []),
    });
  }
  return facts;
}

/**
 * run → the strictest prompt_success_rate `atLeast` tolerance an experiment checked it with. An
 * atLeast check's tolerance text starts with ≥ (experiment/src/checks.ts); a relative one is resolved
 * against its experiment's baseline run (tolerance.ts).
 */
function readTolerances(db: Database): Map<string, ResolvedTolerance> {
  const rows = db
    .prepare(
      `SELECT v.run_id AS runId, c.experiment_id AS experimentId, c.bound, c.tolerance, b.run_id AS baselineRunId
         FROM experiment_checks c
         JOIN experiment_variants v ON v.experiment_id = c.experiment_id AND v.variant = c.variant
         LEFT JOIN experiment_variants b ON b.experiment_id = c.experiment_id AND b.variant = 'baseline'
        WHERE c.metric = 'prompt_success_rate' AND v.run_id IS NOT NULL AND c.tolerance LIKE '≥%'
          AND v.run_id IN (${FINISHED})
        ORDER BY v.run_id, c.experiment_id, c.check_index`,
    )
    .all() as {
    runId: string;
    experimentId: string;
    bound: number | null;
    tolerance: string;
    baselineRunId: string | null;
  }[];
  const checks = new Map<string, SuccessCheck[]>();
  for (const r of rows) {
    const check: SuccessCheck = {
      experimentId: r.experimentId,
      bound: r.bound,
      tolerance: r.tolerance,
      baseline: r.baselineRunId === null ? null : countCheckedPrompts(db, r.baselineRunId),
    };
    checks.set(r.runId, [...(checks.get(r.runId) ?? []), check]);
  }
  const out = new Map<string, ResolvedTolerance>();
  for (const [runId, list] of checks) {
    const t = strictestTolerance(list);
    if (t !== null) out.set(runId, t);
  }
  return out;
}
