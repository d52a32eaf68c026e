/**
 * Translation: the text (quoted, or the words between the verb and the language: "Translate good morning
 * into French", "How do you say thank you in German?"), the target language(s) ("into French and
 * German") and an optional source ("from Italian"); "auto" when no source is named. "Translate it" after
 * another request translates that request's result; "translate my latest message" reads the inbox first.
 */
import type { Clause } from '../clauses.js';
import { findLanguages, languageCode, languageName } from '../languages.js';
import { COURTESY, squash, trimPunctuation } from '../text.js';
import type { PlannedCall, TaskResult } from '../types.js';
import { inboxRequest, inboxStep, resultText, selectMessages } from './inbox.js';
import { note, record, text, toolTask, unreadable, type Route } from './route.js';
import type { Cannot } from '../types.js';

/** What a translation clause asks for. */
interface TranslationRequest {
  /** The texts to translate, in order (several quotes → several texts). */
  texts: string[];
  source: string;
  targets: string[];
  /** The text is an earlier result ("translate it") or the latest message ("translate my last message"). */
  refersTo?: 'previous' | 'inbox';
}

const ASKING =
  /^(?:translate|translating|how\s+(?:do|would|can|does|should)\s+(?:you|i|one|we)\s+say|what(?:'s|\s+is|\s+does)|say)(?:\s+|$)/i;
/** A target the language table does not know ("to Klingon"): passed on, so the translator says what it supports. */
const UNKNOWN_TARGET = /\b(?:to|into)\s+(\p{Lu}\p{Ll}+)\s*[.!?]*$/u;
const TEXT_NOUN = /^(?:the\s+)?(?:following\s+)?(?:word|phrase|sentence|text|expression)\s*:?\s+/i;
const INBOX_REFERENCE =
  /^(?:my|the)\s+(?:(?:latest|last|newest|most\s+recent)\s+(?:\w+\s+)?)?(?:message|text|e-?mail)(?:\s+from\s+\S+)?$/i;
const PREVIOUS_REFERENCE =
  /^(?:it|this|that|them|the\s+(?:results?|answer|forecast|weather(?:\s+report)?|summary|list))$/i;
/** What stands before a language name: a preposition giving its role, or a joiner to the previous one. */
const LANGUAGE_PREFIX = /(?:\b(from|to|into|in|as)|(,|\band|\bor|&))\s*$/i;
/** "to es", "from FR": language codes right after a preposition (see languageCode for "it"). */
const CODE_AFTER = /\b(from|to|into|in)\s+([A-Za-z]{2})\b(?![\p{L}])/gu;

/**
 * Reads a translation clause. Language phrases are "from X" (source) and "to/into/in X" with more
 * targets joined by "and"/","/"or"; the text is the quote(s), else what is left between the asking words
 * and the language phrases, with "the word/phrase" and a trailing "mean" dropped.
 */
function parseTranslation(clause: Clause): TranslationRequest {
  const masked = squash(clause.masked);
  const spans: Array<{ start: number; end: number; code: string; role: 'source' | 'target' }> = [];
  const mentions = [
    ...findLanguages(masked),
    ...[...masked.matchAll(CODE_AFTER)].flatMap((m) => {
      const code = languageCode(m[2]);
      return code === undefined ? [] : [{ index: m.index + m[0].length - 2, length: 2, code }];
    }),
  ].sort((a, b) => a.index - b.index);
  for (const m of mentions) {
    const before = masked.slice(0, m.index);
    const prefix = before.match(LANGUAGE_PREFIX);
    if (prefix === null) continue;
    const start = before.length - prefix[0].length;
    const previous = spans.at(-1);
    // "into French and German": a language joined to the one before it shares its role.
    const role =
      prefix[1] !== undefined
        ? prefix[1].toLowerCase() === 'from'
          ? 'source'
          : 'target'
        : previous !== undefined && masked.slice(previous.end, start).trim() === ''
          ? previous.role
          : undefined;
    if (role !== undefined) spans.push({ start, end: m.index + m.length, code: m.code, role });
  }
  const source = spans.find((s) => s.role === 'source')?.code ?? 'auto';
  const targets = [...new Set(spans.filter((s) => s.role === 'target').map((s) => s.code))];
  const unknown = targets.length === 0 ? masked.match(UNKNOWN_TARGET) : null;
  if (unknown !== null) {
    targets.push(unknown[1]);
    spans.push({
      start: unknown.index ?? 0,
      end: (unknown.index ?? 0) + unknown[0].length,
      code: unknown[1],
      role: 'target',
    });
  }
  if (clause.quotes.length > 0) return { texts: [...clause.quotes], source, targets };
  let rest = masked;
  for (const span of [...spans].reverse()) rest = `${rest.slice(0, span.start)} ${rest.slice(span.end)}`;
  rest = squash(rest).replace(COURTESY, '').replace(ASKING, '').replace(TEXT_NOUN, '');
  rest = trimPunctuation(rest.replace(/\s+(?:mean|means|for\s+me|please)\s*[?.!]*$/i, '')).replace(/^[:\s]+/, '');
  if (INBOX_REFERENCE.test(rest)) return { texts: [], source, targets, refersTo: 'inbox' };
  if (PREVIOUS_REFERENCE.test(rest)) return { texts: [], source, targets, refersTo: 'previous' };
  return { texts: rest === '' ? [] : [rest], source, targets };
}

/** Routes translation clauses to `translate({text, source_language, target_language})`, one call per text and target. */
export const translateRoute: Route = {
  intent: 'translate',
  plan(clause, ctx) {
    const request = parseTranslation(clause);
    // With no language named, English is the useful default: the prompt is most likely foreign text.
    const targets = request.targets.length > 0 ? request.targets : ['en'];
    const calls = (texts: string[]): PlannedCall[] =>
      texts.flatMap((t) =>
        targets.map((target) => ({
          name: 'translate' as const,
          args: { text: t, source_language: request.source, target_language: target },
        })),
      );
    const spec = {
      tool: 'translate' as const,
      describe: (args: Record<string, unknown>) =>
        `translate "${String(args.text)}" into ${languageName(String(args.target_language))}`,
      answer: translationSentence,
    };
    if (request.refersTo === 'inbox') {
      const inbox = inboxStep(ctx, { ...inboxRequest(clause), count: 1 });
      const build = (prior: TaskResult[]) => {
        const body = text(selectMessages(prior[0].results[0]?.outcome, inbox.request)?.[0]?.body);
        return body === undefined
          ? { skip: 'I did not translate your latest message, because I could not read it.' }
          : calls([body]);
      };
      ctx.add(toolTask({ ...spec, needs: [inbox.index], build }));
      return;
    }
    if (request.refersTo === 'previous') {
      const previous = ctx.previousTask();
      if (previous === undefined) {
        ctx.add(note('I did not translate anything: I could not tell which text you meant.'));
        return;
      }
      const earlier = resultText(ctx, previous);
      const build = (prior: TaskResult[]) => {
        const textToTranslate = earlier(prior[0]);
        return textToTranslate === undefined
          ? { skip: 'I did not translate the earlier result, because there was none.' }
          : calls([textToTranslate]);
      };
      ctx.add(toolTask({ ...spec, needs: [previous], build }));
      return;
    }
    if (request.texts.length === 0) {
      ctx.add(
        note(
          "I did not translate anything: I could not tell which text you meant. Put it in quotes, like 'good morning'.",
        ),
      );
      return;
    }
    ctx.add(toolTask({ ...spec, needs: [], build: () => calls(request.texts) }));
  },
};

/** `"Hello, how are you?" in Spanish is "Hola, ¿cómo estás?".` (noting a word-by-word translation). */
function translationSentence(args: Record<string, unknown>, data: unknown): string | Cannot {
  const body = record(data);
  const translation = text(body?.translation);
  if (body === undefined || translation === undefined) return unreadable('translator', data);
  const target = languageName(text(body.target_language) ?? String(args.target_language));
  const wordByWord = body.method === 'word-by-word' ? ' (translated word by word)' : '';
  return `"${text(body.text) ?? String(args.text)}" in ${target} is "${translation}"${wordByWord}.`;
}
