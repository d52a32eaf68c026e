/**
 * The steering API (see docs/metrics-and-dashboard.md): settings changed while a run goes, each change
 * one `steering_changes` row with its time (common/src/steering.ts), which the chaos loop (TOXIC_PROB,
 * TOXICS, pause), the tool services (ERROR_PROB) and the agent (abort) read.
 *
 *   GET  /steering        { runId, phase, inForce: { paused, TOXIC_PROB, ERROR_PROB, TOXICS }, changes }
 *   POST /steering        { chaos?: "paused"|"running", TOXIC_PROB?, ERROR_PROB?, TOXICS?, source? } → 200 { inForce, recorded }
 *   POST /steering/abort  { source? } → 202: the agent stops the run as on Ctrl-C (`interrupted`, every prompt recorded)
 *
 * A bad body is a 400 naming the field; no live run (none yet, or `done`) is a 409; a cross-site
 * request from a browser is a 403 (common/src/same-origin.ts).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import {
  crossSiteRefusal,
  currentRun,
  recordSteeringChange,
  steeringChanges,
  steeringState,
  TOXIC_TYPES,
  writeTransaction,
  type Database,
  type Logger,
  type Settings,
  type SteeredSetting,
  type SteeringState,
} from '@chaos-lab/common';
import type { Clock } from '../util/clock.js';

/** What the routes need. */
export interface SteeringRouteDeps {
  readonly db: Database;
  readonly settings: Pick<Settings, 'TOXIC_PROB' | 'ERROR_PROB' | 'TOXICS'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

const prob = z.number().min(0).max(1);
const source = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, _ and -')
  .default('api');
const changeSchema = z
  .strictObject({
    chaos: z.enum(['paused', 'running']).optional(),
    TOXIC_PROB: prob.optional(),
    ERROR_PROB: prob.optional(),
    TOXICS: z
      .union([
        z.string().transform((s) =>
          s
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        ),
        z.array(z.string()),
      ])
      .pipe(
        z
          .array(z.enum(TOXIC_TYPES))
          .min(1)
          .transform((l) => [...new Set(l)]),
      )
      .optional(),
    source,
  })
  .refine(
    (b) => b.chaos !== undefined || b.TOXIC_PROB !== undefined || b.ERROR_PROB !== undefined || b.TOXICS !== undefined,
    {
      message: 'nothing to change: give chaos, TOXIC_PROB, ERROR_PROB or TOXICS',
    },
  );
const abortSchema = z.strictObject({ source });

/** The settings in force for a run: steered values over the process's own. */
export function inForce(state: SteeringState, settings: SteeringRouteDeps['settings']) {
  return {
    paused: state.paused,
    TOXIC_PROB: state.TOXIC_PROB ?? settings.TOXIC_PROB,
    ERROR_PROB: state.ERROR_PROB ?? settings.ERROR_PROB,
    TOXICS: state.TOXICS ?? settings.TOXICS,
    abortRequestedAt: state.abortRequestedAt ?? null,
  };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/** Builds the router (mounted at the root of the manager's app). */
export function steeringRoutes(deps: SteeringRouteDeps): Router {
  const { db, settings, clock, logger } = deps;
  const router = express.Router();
  const liveRun = () => {
    const run = currentRun(db);
    return run && run.phase !== 'done' ? run : undefined;
  };

  router.get('/steering', (_req, res) => {
    const run = currentRun(db);
    if (!run) {
      res.json({ runId: null, phase: null, inForce: inForce({ paused: false }, settings), changes: [] });
      return;
    }
    res.json({
      runId: run.runId,
      phase: run.phase,
      inForce: inForce(steeringState(db, run.runId), settings),
      changes: steeringChanges(db, run.runId),
    });
  });

  // Every state-changing route: a browser on another site is refused before the body is read.
  router.post(['/steering', '/steering/abort'], (req, res, next) => {
    const refusal = crossSiteRefusal(req.headers);
    if (refusal) res.status(403).json({ error: refusal });
    else next();
  });

  router.post('/steering', express.json({ limit: 4096 }), (req, res) => {
    const parsed = changeSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: firstIssue(parsed.error) });
      return;
    }
    const body = parsed.data;
    const result = writeTransaction(db, () => {
      const run = liveRun();
      if (!run) return undefined;
      const before = inForce(steeringState(db, run.runId), settings);
      const at = clock.now();
      const recorded: SteeredSetting[] = [];
      const record = (setting: SteeredSetting, value: unknown, previous: unknown) => {
        if (JSON.stringify(value) === JSON.stringify(previous)) return; // no change, no row
        recordSteeringChange(db, { runId: run.runId, at, setting, value, previous, source: body.source });
        recorded.push(setting);
      };
      if (body.chaos !== undefined) record('CHAOS', body.chaos, before.paused ? 'paused' : 'running');
      if (body.TOXIC_PROB !== undefined) record('TOXIC_PROB', body.TOXIC_PROB, before.TOXIC_PROB);
      if (body.ERROR_PROB !== undefined) record('ERROR_PROB', body.ERROR_PROB, before.ERROR_PROB);
      if (body.TOXICS !== undefined) record('TOXICS', body.TOXICS, before.TOXICS);
      return { runId: run.runId, at, recorded, inForce: inForce(steeringState(db, run.runId), settings) };
    });
    if (!result) {
      res.status(409).json({ error: 'no live run to steer: start one (npm start) and steer it while it goes' });
      return;
    }
    logger
      .child({ run_id: result.runId })
      .info({ recorded: result.recorded, inForce: result.inForce, source: body.source }, 'steering changed');
    res.json(result);
  });

  router.post('/steering/abort', express.json({ limit: 1024 }), (req, res) => {
    const parsed = abortSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: firstIssue(parsed.error) });
      return;
    }
    const result = writeTransaction(db, () => {
      const run = liveRun();
      if (!run) return undefined;
      const at = clock.now();
      recordSteeringChange(db, {
        runId: run.runId,
        at,
        setting: 'ABORT',
        value: 'requested',
        previous: null,
        source: parsed.data.source,
      });
      return { runId: run.runId, at };
    });
    if (!result) {
      res.status(409).json({ error: 'no live run to abort' });
      return;
    }
    logger.child({ run_id: result.runId }).warn({ source: parsed.data.source }, 'abort of the run requested');
    res.status(202).json({ ...result, abort: 'requested: the agent stops the run within a second, as on Ctrl-C' });
  });
  return router;
}
