/**
 * Conditions that last (Toxiproxy unreachable, the database locked), logged when they begin, change
 * and end rather than on every tick they persist, so a Toxiproxy that is down for an hour writes two
 * lines, not 3600.
 */
import type { Logger } from '@chaos-lab/common';

/** The current problem of each condition, logging only changes. */
export class ConditionLog {
  private readonly problems = new Map<string, string>();

  /**
   * Reports a condition's state.
   * @param key what is checked, e.g. `toxiproxy`
   * @param problem what is wrong, or undefined when it is fine
   * @param logger where a change is logged (bound to the current run)
   */
  report(key: string, problem: string | undefined, logger: Logger): void {
    const before = this.problems.get(key);
    if (problem === before) return;
    if (problem === undefined) {
      this.problems.delete(key);
      logger.info({ condition: key, was: before }, `${key}: recovered`);
    } else {
      this.problems.set(key, problem);
      logger.warn({ condition: key, problem }, `${key}: ${problem}`);
    }
  }

  /** The problem of one condition, or undefined when it is fine. */
  problem(key: string): string | undefined {
    return this.problems.get(key);
  }

  /** Every current problem, by condition. */
  all(): Record<string, string> {
    return Object.fromEntries(this.problems);
  }
}
