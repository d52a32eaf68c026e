/**
 * `chaos-lab shrink RUN [--prompt ID] [--out FILE]`: the smallest set of the faults that fired in a
 * run that still makes it fail, by delta debugging (ddmin.ts) over replays with the run's seed,
 * settings and prompts, each fault replayed with its own trigger (fired-faults.ts says how a random
 * toxic becomes a planned one); written as an experiment file `chaos-lab run` reruns.
 *
 *   run's record ──► what fails (shrink-target.ts) + the fired faults as units
 *     ──► replay with every unit: must fail (else: not reproducible, exit 1)
 *     ──► ddmin: replays with subsets ──► a 1-minimal failing set
 *     ──► replay with none: must hold (else: the failure is not the faults', exit 1)
 *     ──► experiment file (shrink-file.ts) ──► exit 0
 *
 * Exit codes: 0 a minimal set was found and written; 1 the failure did not reproduce with every fault,
 * or happens without any; 2 nothing to shrink or a lab run failed; 128 + n when a signal stopped a replay.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLabError, LabError, loadSettings, openDatabase } from '@chaos-lab/common';
import { describeFault, describeTrigger } from '@chaos-lab/experiment';
import { PROFILE_SETTINGS } from '@chaos-lab/knowledge';
import { ddmin } from './ddmin.js';
import { firedUnits, type ShrinkUnit } from './fired-faults.js';
import { explorationEnv, runPlanned, type ExploreDeps } from './lab-run.js';
import { writeShrinkFile } from './shrink-file.js';
import { shrinkTarget } from './shrink-target.js';

/**
 * Settings of the run being shrunk that a replay keeps: its settings profile's (the agent's limits,
 * timeouts, backoff, keys, transport, concurrency and the agent under test: knowledge/src/
 * settings-profile.ts, the one list), so every replay is made under the settings the run was, and the
 * timings and the environment's own faults besides.
 */
export const CARRIED_SETTINGS = [
  ...PROFILE_SETTINGS,
  'OFFLINE_MODEL_LATENCY_MS',
  'CHAOS_INTERVAL_MS',
  'ERROR_PROB',
  'MODEL_PROXY',
] as const;

/** What to shrink. */
export interface ShrinkOptions {
  readonly runId: string;
  /** A prompt id or 1-based position. */
  readonly prompt?: string;
  /** Where to write the experiment (default CHARTS_DIR/shrink/<run>/minimal.yaml). */
  readonly out?: string;
}

interface OriginalRun {
  readonly seed: number;
  readonly settings: Record<string, unknown>;
}

/** The carried settings of a run, as the file and the replays' environment write them. */
function carried(settings: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of CARRIED_SETTINGS) {
    const v = settings[k];
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  }
  if (settings.LLM_PROVIDER === 'openai') out.LLM_PROVIDER = 'openai';
  return out;
}

/**
 * Shrinks a run (see the file comment) and prints what it did.
 * @returns the exit code
 */
export async function shrinkRun(o: ShrinkOptions, deps: ExploreDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const { say } = deps;
  const base = loadSettings();
  const db = openDatabase(base.LAB_DB_PATH);
  const startedAt = now();
  try {
    const row = db.prepare('SELECT seed, settings FROM runs WHERE run_id = ?').get(o.runId) as
      | { seed: number; settings: string }
      | undefined;
    if (!row) throw new LabError('VALIDATION', `no run ${o.runId} in ${base.LAB_DB_PATH} (chaos-lab runs lists them)`);
    const original: OriginalRun = { seed: row.seed, settings: JSON.parse(row.settings) as Record<string, unknown> };
    const promptsFile = String(original.settings.PROMPTS_FILE ?? '');
    if (!existsSync(promptsFile))
      throw new LabError(
        'VALIDATION',
        `run ${o.runId}: its prompts file ${promptsFile || '(not recorded)'} is gone; a replay needs the same prompts`,
      );
    const target = shrinkTarget(db, o.runId, o.prompt);
    const { units, skipped } = firedUnits(db, o.runId);
    say(`shrink run ${o.runId} (seed ${original.seed}): keep failing while ${target.description}`);
    const reasons = new Map<string, number[]>();
    for (const s of skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.eventId]);
    for (const [reason, ids] of reasons) say(`  not units: ${ids.length} fault event(s) ${ids.join(', ')} (${reason})`);
    if (units.length === 0)
      throw new LabError('VALIDATION', `run ${o.runId}: no replayable fault fired: nothing to shrink`);
    say(`${units.length} replayable fault(s) fired:`);
    units.forEach((u, i) => {
      say(
        `  ${i + 1}. ${u.fault.name}: ${describeFault(u.fault)}, ${describeTrigger(u.fault.trigger)} (event ${u.eventIds.join(', ')})`,
      );
    });

    const settings = carried(original.settings);
    const dir = join(base.CHARTS_DIR, 'shrink', o.runId);
    mkdirSync(dir, { recursive: true });
    let replays = 0;
    const replay = async (subset: readonly ShrinkUnit[]): Promise<boolean> => {
      replays++;
      const env = explorationEnv(
        original.seed,
        promptsFile,
        dir,
        Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
      );
      const run = await runPlanned({ env, faults: subset.map((u) => u.fault) }, deps.launch, db, now);
      if (run.exitCode !== 0 || run.status !== 'completed') {
        throw new LabError(
          'INTERNAL',
          `the replay ${run.runId} ${run.exitCode !== 0 ? `exited with code ${run.exitCode}` : `ended ${run.status ?? 'unrecorded'}`}`,
          { details: { exitCode: run.exitCode } },
        );
      }
      const fails = target.fails(db, run.runId, run.writes ?? []);
      say(
        `  replay ${replays}: ${subset.length === 0 ? 'no fault' : subset.map((u) => u.fault.name).join(', ')} → ${fails ? 'FAILS' : 'holds'} (run ${run.runId})`,
      );
      return fails;
    };

    if (!(await replay(units))) {
      say(
        `the failure did not reproduce with every fault, the same seed and triggers: nothing to shrink (${replays} replay(s), ${seconds(now() - startedAt)})`,
      );
      return 1;
    }
    const { minimal } = await ddmin(units, replay);
    if (await replay([])) {
      say(
        `the failure happens without any fault too: it is not the faults' (${replays} replay(s), ${seconds(now() - startedAt)})`,
      );
      return 1;
    }
    const out = o.out ?? join(dir, 'minimal.yaml');
    writeShrinkFile(
      {
        title: `Minimal failing faults of run ${o.runId}`,
        header: [
          `Written by chaos-lab shrink ${o.runId}${o.prompt ? ` --prompt ${o.prompt}` : ''}: ${minimal.length} of the ${units.length} fault(s) that fired`,
          `still make ${target.description} (delta debugging, ${replays} replay(s) with seed ${original.seed}).`,
          '',
          `  chaos-lab run ${out}          meant to give: DEVIATED (exit 1)`,
        ],
        seed: original.seed,
        model:
          original.settings.LLM_PROVIDER === 'groq' || original.settings.LLM_PROVIDER === 'auto'
            ? original.settings.LLM_PROVIDER
            : original.settings.LLM_PROVIDER === 'openai'
              ? 'auto'
              : 'offline',
        prompts: JSON.parse(readFileSync(promptsFile, 'utf8')) as unknown[],
        settings,
        hypothesis: target.hypothesis,
        faults: minimal.map((u) => u.fault),
      },
      out,
    );
    say('');
    say(
      `minimal failing faults (${minimal.length} of ${units.length}): ${minimal.map((u) => u.fault.name).join(', ')}`,
    );
    say(`${replays} replay(s) in ${seconds(now() - startedAt)}`);
    say(`experiment: ${out}`);
    say(`rerun:      chaos-lab run ${out}`);
    return 0;
  } catch (err) {
    if (isLabError(err, 'VALIDATION') || isLabError(err, 'INTERNAL') || isLabError(err, 'EXPERIMENT_INVALID')) {
      say(`chaos-lab shrink: ${err.message}`);
      // A signal stopped a replay (Ctrl-C): end with the launcher's code, 128 + n.
      const code = (err.details as { exitCode?: number } | undefined)?.exitCode ?? 0;
      return code >= 128 ? code : 2;
    }
    throw err;
  } finally {
    db.close();
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
