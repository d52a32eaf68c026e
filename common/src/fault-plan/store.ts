/**
 * The `fault_plans` table: a run's plan, written before the run starts by whoever plans it
 * (`chaos-lab run` for an experiment's variant, the explore commands for their trial runs) and read
 * by the proxy-manager's fault schedule when the run becomes current. Times are ms since the epoch (UTC).
 */
import { writeTransaction, type Database } from '../database.js';
import { faultPlanSchema, type FaultPlan, type FaultPlanInput } from './schema.js';

/**
 * Writes the plan of a run (before the run starts), replacing one written earlier; stored validated,
 * defaults applied.
 * @param now the row's `created_at`, ms since the epoch
 * @throws {z.ZodError} when the plan is not valid
 */
export function writeFaultPlan(db: Database, runId: string, plan: FaultPlanInput, now: number = Date.now()): void {
  const valid = faultPlanSchema.parse(plan);
  writeTransaction(db, () => {
    db.prepare('INSERT OR REPLACE INTO fault_plans (run_id, plan, created_at) VALUES (?, ?, ?)').run(
      runId,
      JSON.stringify(valid),
      now,
    );
  });
}

/**
 * Reads the plan of a run.
 * @returns the plan, defaults applied, or undefined when the run has none
 * @throws {z.ZodError} when the stored plan is not valid (a hand-edited database)
 */
export function readFaultPlan(db: Database, runId: string): FaultPlan | undefined {
  const row = db.prepare('SELECT plan FROM fault_plans WHERE run_id = ?').get(runId) as { plan: string } | undefined;
  return row ? faultPlanSchema.parse(JSON.parse(row.plan)) : undefined;
}
