/**
 * What a ToolMessage says: the service's JSON body, an `{error}` body, or an error
 * ToolMessage (the harness's failure text, or LangChain's "Error: …\n Please fix your mistakes.").
 */
import type { ToolMessage } from '@langchain/core/messages';
import { escapeRegExp } from './text.js';
import type { ToolOutcome } from './types.js';

/** The text of a message's content, whether a string or a list of content blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((block: unknown) => {
      if (typeof block === 'string') return block;
      const { type, text } = (block ?? {}) as { type?: unknown; text?: unknown };
      return type === 'text' && typeof text === 'string' ? text : '';
    })
    .join('');
}

/** The JSON value in a text: the whole text, or the first `{…}` object inside it ("HTTP 404: {…}"). */
function parseJson(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const open = trimmed.indexOf('{');
    const close = trimmed.lastIndexOf('}');
    if (open < 0 || close <= open) return undefined;
    try {
      return JSON.parse(trimmed.slice(open, close + 1));
    } catch {
      return undefined;
    }
  }
}

/** The `error` message of a service error body (`{error: "…"}` or `{error: {message: "…"}}`), if any. */
function errorOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('error' in value)) return undefined;
  const error = (value as { error: unknown }).error;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return error === undefined || error === null || error === false ? undefined : JSON.stringify(error);
}

/**
 * A failure text as a clause that can follow "I could not get the weather for Paris: ": LangChain's
 * "Please fix your mistakes.", leading "Error:" labels and a leading "<tool> failed:" are dropped,
 * "<tool> was refused by the X service:" becomes "the X service said:", whitespace is squashed and the
 * final full stop removed.
 * @param tool the name of the tool that failed, as the failure text may start with it
 */
function cleanReason(text: string, tool: string): string {
  const name = escapeRegExp(tool);
  const cleaned = text
    .replace(/\s*Please fix your mistakes\.?\s*$/i, '')
    .replace(/^(?:\s*(?:[A-Za-z]*Error|error)\s*:\s*)+/, '')
    .replace(new RegExp(`^${name}\\s+failed:\\s*`), '')
    .replace(new RegExp(`^${name}\\s+was refused by the (.+?) service:\\s*`), 'the $1 service said: ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');
  return cleaned === '' ? 'the tool failed without saying why' : cleaned;
}

/**
 * The outcome of a call to `tool` from its ToolMessage.
 * - status `error`: a failure; the reason is the body's `error` when the text carries one, else the text.
 * - a JSON body with `error`: a failure with that message (e.g. 404 `unknown city: Atlantis`).
 * - any other JSON: success with the parsed body; non-JSON text: success with the text itself.
 */
export function toolOutcome(message: ToolMessage, tool: string): ToolOutcome {
  const text = contentText(message.content);
  const json = parseJson(text);
  const error = errorOf(json);
  if (message.status === 'error') return { ok: false, reason: cleanReason(error ?? text, tool) };
  if (error !== undefined) return { ok: false, reason: cleanReason(error, tool) };
  return { ok: true, data: json === undefined ? text : json };
}
