/** One schema step: SQL applied in a single immediate transaction. */
export interface Migration {
  /** What the step does, for logs. */
  readonly description: string;
  /** The SQL to run. */
  readonly sql: string;
}
