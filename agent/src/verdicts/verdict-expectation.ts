/**
 * A prompt's expectation (`expect` in the prompts file): what a correct answer to the prompt looks like.
 * Every field is optional, every field given must hold (docs/prompts-and-verdicts.md):
 *
 * | field      | holds when |
 * |------------|------------|
 * | `tools`    | each item was called in the answering attempt: a tool name, or `{ "tool", "args" }` whose string arguments are contained, ignoring case, in the call's (numbers and booleans equal) |
 * | `contains` | the answer contains every one of these texts, ignoring case |
 * | `any`      | the answer contains at least one of these texts, ignoring case |
 * | `matches`  | the answer matches this regular expression (JavaScript syntax, ignoring case) |
 * | `excludes` | the answer contains none of these texts, ignoring case |
 * | `refusal`  | `true`: the right answer is an honest "I can't"; `false` (the default): an answer that reads as a refusal is wrong |
 *
 * The schema is zod's; {@link parseExpectation} turns its first problem into one sentence naming the field.
 */
import { TOOL_NAMES } from '@chaos-lab/common';
import { z } from 'zod';

const text = z.string().trim().min(1, 'must be a non-empty string');
const texts = z.array(text).min(1, 'must be a non-empty array of strings');
const argValue = z.union([z.string().trim().min(1, 'must be a non-empty string'), z.number(), z.boolean()]);

const TOOL_ERROR = `must be one of the tools: ${TOOL_NAMES.join(', ')}`;

/** One expected tool call: the name alone (read as `{ "tool": name }`), or the name with the key arguments that matter. */
const expectedCall = z.preprocess(
  (value) => (typeof value === 'string' ? { tool: value } : value),
  z.strictObject(
    {
      tool: z.enum(TOOL_NAMES, { error: TOOL_ERROR }),
      args: z.record(z.string(), argValue).optional(),
    },
    { error: 'must be a tool name or an object like {"tool": "get_weather", "args": {"city": "London"}}' },
  ),
);

function validPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
}

/** The zod schema of `expect`; unknown fields are errors (a misspelt `contain` must not pass unnoticed). */
const EXPECTATION_SCHEMA = z
  .strictObject({
    tools: z.array(expectedCall).min(1, 'must list at least one tool').optional(),
    contains: texts.optional(),
    any: texts.optional(),
    matches: text.refine(validPattern, 'must be a valid regular expression').optional(),
    excludes: texts.optional(),
    refusal: z.boolean().optional(),
  })
  .refine(
    (e) => Object.keys(e).length > 0,
    'must name at least one of tools, contains, any, matches, excludes, refusal',
  );

/** A prompt's expectation, as parsed. */
export type Expectation = z.infer<typeof EXPECTATION_SCHEMA>;

/** One expected tool call, as parsed. */
export type ExpectedCall = z.infer<typeof expectedCall>;

/**
 * Checks an `expect` value.
 * @param value the entry's `expect` field as read from JSON
 * @returns the expectation, or the problem as `{ error: "expect.tools[0].tool: must be one of …" }`
 *   (the path of the first bad field, then what is allowed)
 */
export function parseExpectation(value: unknown): { expectation: Expectation } | { error: string } {
  const parsed = EXPECTATION_SCHEMA.safeParse(value);
  if (parsed.success) return { expectation: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const allowed = issue.path.length === 0 ? 'tools, contains, any, matches, excludes, refusal' : 'tool, args';
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed})`
      : issue.message;
  return { error: `expect${path}: ${message}` };
}
