/**
 * What `chaos-lab knowledge` and `chaos-lab plan` share: the lab database to learn from (`--db`,
 * default `LAB_DB_PATH`), the judgement's options checked before anything is read, and one line on
 * stderr for a bad value.
 */
import { existsSync } from 'node:fs';

/** Where a command writes. */
export interface CommandIo {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/** The options as typed on the command line. */
export interface JudgementFlags {
  readonly db?: string;
  readonly tolerance?: string;
  readonly minChecked: string;
}

/** The options as checked. */
export interface Judgement {
  readonly dbPath: string;
  /** 0–1; undefined: per band (the experiments' own, else the default). */
  readonly tolerance: number | undefined;
  readonly minChecked: number;
}

/**
 * Checks the flags.
 * @param command the command's name, for the message
 * @param defaultDb `LAB_DB_PATH`
 * @returns the options, or the one-line problem to print
 */
export function checkJudgement(command: string, flags: JudgementFlags, defaultDb: string): Judgement | string {
  const tolerance = flags.tolerance === undefined ? undefined : Number(flags.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0 && tolerance <= 1))
    return `chaos-lab ${command}: --tolerance must be a number from 0 to 1, got ${flags.tolerance}`;
  const minChecked = Number(flags.minChecked);
  if (!Number.isInteger(minChecked) || minChecked < 1)
    return `chaos-lab ${command}: --min-checked must be a whole number ≥ 1, got ${flags.minChecked}`;
  const dbPath = flags.db ?? defaultDb;
  if (!existsSync(dbPath)) return `chaos-lab ${command}: no lab database at ${dbPath}: run the lab first (npm start)`;
  return { dbPath, tolerance, minChecked };
}
