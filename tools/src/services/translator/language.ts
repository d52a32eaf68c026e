/**
 * Which language a request names: an ISO 639-1 code (`es`) or an English name (`Spanish`), in any
 * case; for the source, also `auto` (detect it from the text).
 */
import { invalidField } from '../../server/errors.js';
import { foldText } from '../../text.js';

/** The source language value that asks for detection. */
export const AUTO = 'auto';

/**
 * Resolves a language name or code to its code.
 * @param value what the request said, e.g. `ES`, `spanish`, `auto`
 * @param languages supported languages, code → English name
 * @param field the request field, for the error message
 * @param allowAuto whether `auto` is accepted (source language only)
 * @returns a code from `languages`, or {@link AUTO}
 * @throws {LabError} `VALIDATION` (400) listing the supported languages
 */
export function resolveLanguage(
  value: string,
  languages: Readonly<Record<string, string>>,
  field: string,
  allowAuto: boolean,
): string {
  const wanted = foldText(value.trim());
  if (allowAuto && wanted === AUTO) return AUTO;
  const found = Object.entries(languages).find(([code, name]) => code === wanted || foldText(name) === wanted);
  if (found) return found[0];
  const supported = Object.entries(languages)
    .map(([code, name]) => `${code} (${name})`)
    .join(', ');
  throw invalidField(
    field,
    `${field} "${value}" is not supported: use one of ${supported}${allowAuto ? `, or ${AUTO}` : ''}`,
  );
}
