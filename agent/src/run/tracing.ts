/**
 * LangSmith tracing: LangChain sends traces to LangSmith only when the environment turns it on. The
 * agent never turns it on itself; it reports at start whether the user did, so a run that talks to
 * LangSmith says so.
 */

/** The variables that turn tracing on when `"true"` (@langchain/core 1.4 `isTracingEnabled`). */
export const TRACING_VARIABLES = [
  'LANGSMITH_TRACING_V2',
  'LANGCHAIN_TRACING_V2',
  'LANGSMITH_TRACING',
  'LANGCHAIN_TRACING',
] as const;

/**
 * Whether the user turned LangSmith tracing on, by the rules of @langchain/core 1.4's callback
 * manager: one of {@link TRACING_VARIABLES} is exactly `true`, or `LANGCHAIN_TRACING` has any value.
 * @param env the environment (`process.env`)
 * @returns `on (NAME=value)` naming the variable, or `off`
 */
export function tracingState(env: Record<string, string | undefined>): string {
  const name =
    TRACING_VARIABLES.find((v) => env[v] === 'true') ?? (env.LANGCHAIN_TRACING ? 'LANGCHAIN_TRACING' : undefined);
  return name ? `on (${name}=${env[name]})` : 'off';
}
