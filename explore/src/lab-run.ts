/**
 * One exploration run: the whole lab once (the launcher behind `npm start`, given by the caller as
 * `launch`, as `chaos-lab run` gives it), with a fault plan written before the run starts and the
 * environment the run's parts inherit. Breaking-point steps and shrink replays are such runs: the
 * proxy-manager fires the plan as it fires an experiment's variant, so the same seed, plan and
 * prompts give the same faults on the same calls.
 */
import { loadSettings, newRunId, writeFaultPlan, type Database, type Fault } from '@chaos-lab/common';
import { readWrites, withEnv, type LaunchRequest, type ServiceWrite } from '@chaos-lab/experiment';

/** Runs the lab once; resolves with the launcher's exit code (0 completed). */
export type Launch = (request: LaunchRequest) => Promise<number>;

/** What a search or a shrink needs: the launcher, the console, the clock (default Date.now). */
export interface ExploreDeps {
  readonly launch: Launch;
  readonly say: (line: string) => void;
  readonly now?: () => number;
}

/** One planned run. */
export interface PlannedRun {
  /** Settings of the run as environment text (they win over the caller's environment). */
  readonly env: Readonly<Record<string, string>>;
  /** The fault plan; none: a run without faults. */
  readonly faults: readonly Fault[];
}

/** What a planned run left. */
export interface PlannedRunResult {
  readonly runId: string;
  readonly exitCode: number;
  /** `runs.status` as recorded (`completed` when the run could be judged), null when unrecorded. */
  readonly status: string | null;
  /** The services' writes (duplicate_side_effects), null when they could not be read. */
  readonly writes: readonly ServiceWrite[] | null;
}

/**
 * The base environment of an exploration run: no fault but the plan's (no random toxic on the tool or
 * model proxies, no simulated 503 unless `overrides` says so, no LLM fault), the seed, the prompts.
 */
export function explorationEnv(
  seed: number,
  promptsFile: string,
  chartsDir: string,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    TOXIC_PROB: '0',
    MODEL_TOXIC_PROB: '0',
    ERROR_PROB: '0',
    LLM_FAULT_PROB: '0',
    ...overrides,
    CHAOS_SEED: String(seed),
    PROMPTS_FILE: promptsFile,
    CHARTS_DIR: chartsDir,
  };
}

/**
 * Runs the lab once with `run.faults` as the run's plan.
 * @param db the lab's database (to read the run's status)
 */
export async function runPlanned(
  run: PlannedRun,
  launch: Launch,
  db: Database,
  now: () => number = Date.now,
): Promise<PlannedRunResult> {
  const runId = newRunId(now());
  let writes: ServiceWrite[] | null = null;
  const exitCode = await withEnv({ ...run.env }, () =>
    launch({
      settings: loadSettings(),
      runId,
      // The record holds each run's story; `chaos-lab charts --run ID` renders it when wanted.
      report: false,
      beforeRun: (labDb, id) => {
        if (run.faults.length > 0) writeFaultPlan(labDb, id, { faults: [...run.faults] });
      },
      beforeStop: async () => {
        try {
          writes = await readWrites(loadSettings());
        } catch {
          writes = null;
        }
      },
    }),
  );
  const row = db.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined;
  return { runId, exitCode, status: row?.status ?? null, writes };
}
