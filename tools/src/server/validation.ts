/**
 * Request validation: zod schemas for a request's query or JSON body, failing with a 400 whose message
 * names the field (`date must be a real calendar date as YYYY-MM-DD`, `title is required`).
 *
 * Every message is written as a predicate that follows the field's name, so schemas state only the
 * rule (`must be …`) and the field is prefixed here, from the issue's path.
 */
import { z } from 'zod';
import { invalidField } from './errors.js';

/** Where a request's input came from; names the input as a whole when no field is at fault. */
export type InputPlace = 'query' | 'body';

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Phrases zod's built-in issues as predicates; schema-specific messages (custom issues) win over these. */
function predicateFor(place: InputPlace): z.core.$ZodErrorMap {
  return (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        if (issue.input === undefined) return 'is required';
        if (place === 'query' && Array.isArray(issue.input)) return 'must be given once';
        return `must be ${article(issue.expected === 'int' ? 'integer' : String(issue.expected))}`;
      case 'too_small':
        if (issue.origin === 'string')
          return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
        return `must be at least ${issue.minimum}`;
      case 'too_big':
        if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
        return `must be at most ${issue.maximum}`;
      default:
        return undefined;
    }
  };
}

/**
 * Validates a request's query or body against `schema`.
 * @param schema a zod object schema (unknown keys are ignored)
 * @param input `req.query` or `req.body`
 * @param place which of the two it is; a body that is not a JSON object is refused as a whole
 * @returns the parsed, typed input
 * @throws {LabError} `VALIDATION` (400) whose message starts with the field's name and whose
 *   `details.field` is that name (the first problem found)
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, place: InputPlace): z.output<S> {
  if (place === 'body' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw invalidField('body', 'body must be a JSON object (send it with Content-Type: application/json)');
  }
  const result = schema.safeParse(input, { error: predicateFor(place) });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : place;
  throw invalidField(field, `${field} ${issue?.message ?? 'is invalid'}`);
}

/** A required piece of text, trimmed, 1 to `maxChars` characters. */
export function requiredText(maxChars: number) {
  return z.string().trim().min(1).max(maxChars);
}

/**
 * The optional `request_id` of a write (idempotency.ts): the idempotency key. Absent means the write is
 * not deduplicated.
 */
export const requestIdField = requiredText(200).optional();

/**
 * An optional integer query parameter written in decimal, e.g. `limit=5`.
 * @param fallback the value when the parameter is absent or empty
 * @param min smallest allowed value
 * @param max largest allowed value
 */
export function integerParam(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((text, ctx): number => {
      if (text === undefined || text.trim() === '') return fallback;
      const value = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : NaN;
      if (!(value >= min && value <= max)) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return value;
    });
}
