/**
 * The report's per-prompt table: one row per prompt with its id, text, status and verdict, attempts,
 * every tool call with its arguments and each attempt's outcome and cause, the root cause and the
 * answer. The rows are plain HTML (readable without a script, and printed as they are); list.js
 * (https://listjs.com, inlined into the page, no network) adds sorting by column and filtering by
 * status, tool and cause on top of that markup.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AttemptStory, CallStory, PromptStory } from '../read-model/prompt-stories.js';
import { escapeHtml } from './html.js';

/** Answers longer than this are folded into a <details>, characters. */
const ANSWER_FOLD_CHARS = 240;

let listJs: string | undefined;

/** list.js's browser build, read once, made safe to inline in a <script> element. */
function listJsSource(): string {
  listJs ??= readFileSync(createRequire(import.meta.url).resolve('list.js/dist/list.min.js'), 'utf8').replace(
    /<\/(script)/gi,
    '<\\/$1',
  );
  return listJs;
}

function argumentsText(call: CallStory): string {
  return call.arguments === null ? '(arguments not recorded)' : JSON.stringify(call.arguments);
}

/** How an attempt reached the record, in words: the route, and for a request seen at a service how it was tied to the prompt. */
function routeText(a: AttemptStory): string {
  if (a.via !== 'service') return a.via;
  return a.attribution === 'inferred_time' ? 'seen at the service, tied by time' : 'seen at the service';
}

/** A failed attempt's cause in words: `unknown` says the record cannot tell. */
function causeText(cause: string): string {
  return cause === 'unknown' ? 'cause unknown' : cause;
}

function callHtml(call: CallStory): string {
  const attempts = call.attempts
    .map((a) => {
      const cause =
        a.cause === null
          ? ''
          : ` → <span class="cause cause-${escapeHtml(a.cause)}">${escapeHtml(causeText(a.cause))}</span>`;
      const fault = a.fault === null ? '' : ` <span class="fault">${escapeHtml(a.fault)}</span>`;
      return `<li>#${a.attempt} ${escapeHtml(routeText(a))} <code>${escapeHtml(a.outcome)}</code> ${a.durationMs} ms${cause}${fault}</li>`;
    })
    .join('');
  const digest =
    call.resultDigest === null
      ? ''
      : `<div class="digest" title="first characters of the answer">${escapeHtml(call.resultDigest)}</div>`;
  const again = call.promptAttempt > 1 ? ` <span class="muted">(prompt attempt ${call.promptAttempt})</span>` : '';
  return `<div class="call"><code>${escapeHtml(call.tool)}</code> <code class="args">${escapeHtml(argumentsText(call))}</code> → ${escapeHtml(call.status)}${again}<ol>${attempts}</ol>${digest}</div>`;
}

function answerHtml(answer: string | null): string {
  if (answer === null) return '<span class="muted">no answer</span>';
  if (answer.length <= ANSWER_FOLD_CHARS) return escapeHtml(answer);
  return `<details><summary>${escapeHtml(answer.slice(0, ANSWER_FOLD_CHARS))}…</summary>${escapeHtml(answer)}</details>`;
}

/** The root cause in words, `(inferred)` when it rests on an inference. */
function rootText(p: PromptStory): string {
  if (p.rootCause === null) return '';
  return `${causeText(p.rootCause)}${p.rootInferred ? ' (inferred)' : ''}`;
}

function rowHtml(p: PromptStory): string {
  const failedAttempts = p.calls.reduce((n, c) => n + c.attempts.filter((a) => a.cause !== null).length, 0);
  const verdict = p.verdict === null ? '' : `<div class="verdict">${escapeHtml(p.verdict)}</div>`;
  const error =
    p.errorType === null
      ? ''
      : `<div class="verdict">${escapeHtml(p.errorType)}${p.error ? `: ${escapeHtml(p.error)}` : ''}</div>`;
  const calls = p.calls.length === 0 ? '<span class="muted">no tool call</span>' : p.calls.map(callHtml).join('');
  return `<tr data-tools="${escapeHtml(p.tools.join(' '))}" data-causes="${escapeHtml(p.causes.join(' '))}">
<td class="index num">${p.promptIndex}</td>
<td class="pid">${escapeHtml(p.promptId ?? '')}</td>
<td class="prompt">${escapeHtml(p.prompt)}</td>
<td><span class="status status-${escapeHtml(p.status)}">${escapeHtml(p.status)}</span>${verdict}${error}</td>
<td class="attempts num">${p.attempts}</td>
<td class="calls">${calls}<span class="failed" hidden>${failedAttempts}</span></td>
<td class="root">${escapeHtml(rootText(p))}</td>
<td class="answer">${answerHtml(p.answer)}</td>
</tr>`;
}

function options(label: string, id: string, values: readonly string[]): string {
  const items = values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
  return `<label>${escapeHtml(label)} <select id="${id}"><option value="">all</option>${items}</select></label>`;
}

/** The script that wires list.js to the table and the three filters. */
const WIRING = `
(function () {
  if (typeof List === 'undefined') return;
  var list = new List('prompt-table', { valueNames: ['index', 'pid', 'prompt', 'status', 'attempts', 'failed', 'root', { data: ['tools', 'causes'] }] });
  var pick = function (id) { return document.getElementById(id).value; };
  var has = function (words, word) { return word === '' || (' ' + words + ' ').indexOf(' ' + word + ' ') !== -1; };
  var apply = function () {
    var status = pick('filter-status'), tool = pick('filter-tool'), cause = pick('filter-cause');
    list.filter(function (item) {
      var v = item.values();
      return (status === '' || v.status === status) && has(v.tools, tool) && has(v.causes, cause);
    });
    document.getElementById('prompt-count').textContent = list.matchingItems.length + ' of ' + list.items.length + ' prompts';
  };
  ['filter-status', 'filter-tool', 'filter-cause'].forEach(function (id) { document.getElementById(id).addEventListener('change', apply); });
  list.on('searchComplete', apply);
  apply();
})();
`;

/**
 * The per-prompt table section of the report.
 * @param stories every prompt's story (see `promptStories`)
 * @returns an HTML fragment: filters, the table, list.js and its wiring
 */
export function promptTableHtml(stories: readonly PromptStory[]): string {
  if (stories.length === 0) return '<p class="muted">No prompt finished in this run.</p>';
  const distinct = (values: string[]) => [...new Set(values)].sort();
  const head = (key: string, label: string) =>
    `<th class="sort" data-sort="${key}" title="sort by ${escapeHtml(label)}">${escapeHtml(label)}</th>`;
  return `<div id="prompt-table">
<div class="filters">
<input class="search" type="search" placeholder="search prompts" aria-label="search prompts">
${options('status', 'filter-status', distinct(stories.map((s) => s.status)))}
${options('tool', 'filter-tool', distinct(stories.flatMap((s) => [...s.tools])))}
${options('cause', 'filter-cause', distinct(stories.flatMap((s) => [...s.causes])))}
<span id="prompt-count" class="muted">${stories.length} prompts</span>
</div>
<table class="prompts">
<thead><tr>${head('index', '#')}${head('pid', 'id')}${head('prompt', 'prompt')}${head('status', 'status')}${head('attempts', 'attempts')}${head('failed', 'tool calls, attempts and causes')}${head('root', 'root cause')}<th>answer</th></tr></thead>
<tbody class="list">
${stories.map(rowHtml).join('\n')}
</tbody>
</table>
</div>
<script>${listJsSource()}</script>
<script>${WIRING}</script>`;
}
