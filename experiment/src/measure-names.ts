/**
 * The measures a hypothesis can check (the `metric` of a check in an experiment file), each measured
 * from one run's record (measures.ts). One table, so the file schema, the JSON Schema, the docs and
 * the measures agree. Not the Prometheus metrics the parts serve on /metrics.
 */

/** Measure name → what it measures (and its unit). */
export const MEASURES = {
  prompt_success_rate:
    'correct / (correct + wrong + unhandled + failed) prompts, 0–1 (as the run summary; null without a checked prompt)',
  wrong_answers: 'prompts answered with an expectation not met',
  prompts_failed: 'prompts failed (a tool or the model failed after the retries)',
  prompts_unhandled: 'prompts the model said it could not handle',
  prompt_p50_ms: 'median prompt duration, ms',
  prompt_p95_ms: '95th percentile prompt duration, ms',
  tool_call_p50_ms:
    'median tool call attempt duration, ms (tool: one tool only; an agent over HTTP: its requests as the services timed them)',
  tool_call_p95_ms: '95th percentile tool call attempt duration, ms (tool: one tool only)',
  max_tool_call_ms: 'longest tool call attempt, ms (tool: one tool only)',
  retries:
    'attempts through a proxy after the first of their call (an agent over HTTP: requests after the first with the same X-Request-Id before its #)',
  fallbacks: "direct fallback attempts (the lab's own agent only: a service does not see which way a request came)",
  hung_tool_calls:
    'attempts that got no answer before their deadline (outcome timeout) or were cancelled; an agent over HTTP: requests whose client went away before the answer, or never answered',
  faults_fired: 'times the fault named by `fault` fired (each target counts)',
  model_retries:
    "HTTP requests of model calls after the first of their call (the model client's own retries, model_calls attempt > 1)",
  model_tokens:
    "tokens the model's answers reported (usage: prompt + completion, model_calls tokens_in + tokens_out; null without a reported one)",
  duplicate_side_effects:
    "writes (add_event, send_message) that took effect more than once for one logical tool call, counted from the services' own stores",
  invented_results:
    'prompts with a tool call that gave no result whose answer does not say so (an answer presented as if the tool had answered)',
  honest_failures: 'prompts with a tool call that gave no result whose answer says the tool failed',
} as const;

/** A measure's name. */
export type MeasureName = keyof typeof MEASURES;

/** Every measure name, in table order. */
export const MEASURE_NAMES = Object.keys(MEASURES) as [MeasureName, ...MeasureName[]];
