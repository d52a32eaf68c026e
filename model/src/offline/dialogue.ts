/**
 * The model's next move in the agent loop, replayed from the plan and the conversation so far:
 *
 * ```
 *  wave 0 calls ─▶ ToolMessages ─▶ wave 1 calls (built from wave-0 results) ─▶ … ─▶ final answer
 * ```
 *
 * Each AI message with tool calls in the conversation is the next non-empty wave; its calls' outcomes
 * become those tasks' results. When the conversation has no round for the next wave, that wave's calls
 * are the move; when every wave is done, the answer is written from the results, in prompt order.
 * An answer with any part the model could not do (no route, a note, a skipped or failed call, data that
 * does not answer the question) carries those sentences as `unhandled`: the model says so, never
 * passing another tool's output off as the answer.
 */
import type { Plan } from './plan.js';
import { listProse } from './text.js';
import type { CallResult, PlannedCall, TaskResult, ToolName, ToolTask } from './types.js';

/** Either tool calls to make now, or the final answer (with what it could not do, when anything). */
export type Move = { calls: PlannedCall[] } | { answer: string; unhandled?: string };

/** What the offline model can do with each tool, for the answer to a prompt it could not route. */
const ABILITIES: Record<ToolName, string> = {
  get_weather: 'give the current weather in a city',
  search_web: 'search the web',
  search_movie: 'look up films',
  get_events: 'read your calendar',
  add_event: 'add calendar events',
  delete_events: 'clear a day on your calendar',
  calculate: 'do arithmetic',
  send_message: 'send messages',
  read_inbox: 'read your inbox',
  translate: 'translate text',
};

const NOTHING: TaskResult = { results: [], summary: '', ok: false, cannot: [] };

/**
 * The next move for `plan`, given the tool-call rounds already in the conversation and the names of the
 * tools bound to the model (a task whose tool is not bound is reported, never called).
 */
export function nextMove(plan: Plan, rounds: readonly CallResult[][], bound: ReadonlySet<string>): Move {
  const results = new Map<number, TaskResult>();
  const skipped = new Map<number, string>();
  const lastWave = Math.max(-1, ...plan.waves.map((w) => w ?? -1));
  let round = 0;
  for (let wave = 0; wave <= lastWave; wave++) {
    const batch: Array<{ index: number; task: ToolTask; calls: PlannedCall[] }> = [];
    plan.steps.forEach((step, index) => {
      if (step.kind !== 'tool' || plan.waves[index] !== wave) return;
      const built = step.build(step.needs.map((n) => results.get(n) ?? NOTHING));
      if ('skip' in built) skipped.set(index, built.skip);
      else if (!bound.has(step.tool))
        skipped.set(
          index,
          `I could not ${step.describe(built[0]?.args ?? {})}: no ${step.tool} tool is available to me.`,
        );
      else batch.push({ index, task: step, calls: built });
    });
    if (batch.length === 0) continue;
    const made = rounds[round];
    if (made === undefined) return { calls: batch.flatMap((b) => b.calls) };
    round += 1;
    let offset = 0;
    for (const { index, task, calls } of batch) {
      const mine = made.slice(offset, offset + calls.length);
      offset += calls.length;
      results.set(
        index,
        taskResult(
          task,
          mine.length > 0
            ? mine
            : calls.map((call) => ({ call, outcome: { ok: false, reason: 'no result came back' } })),
        ),
      );
    }
  }
  return compose(plan, results, skipped, bound);
}

/** A finished task: its calls' outcomes and its part of the answer. */
function taskResult(task: ToolTask, results: CallResult[]): TaskResult {
  const cannot: string[] = [];
  const sentences = results.map(({ call, outcome }) => {
    const said = outcome.ok
      ? task.answer(call.args, outcome.data)
      : { cannot: `I could not ${task.describe(call.args)}: ${outcome.reason}.` };
    if (typeof said === 'string') return said;
    cannot.push(said.cannot);
    return said.cannot;
  });
  return {
    results,
    summary: sentences.join('\n'),
    ok: results.some((r) => r.outcome.ok) && cannot.length < results.length,
    cannot,
  };
}

function compose(
  plan: Plan,
  results: Map<number, TaskResult>,
  skipped: Map<number, string>,
  bound: ReadonlySet<string>,
): { answer: string; unhandled?: string } {
  if (plan.steps.length === 0) {
    const abilities = (Object.keys(ABILITIES) as ToolName[]).filter((t) => bound.has(t)).map((t) => ABILITIES[t]);
    const answer =
      abilities.length === 0
        ? 'Sorry, I could not help with that: I am an offline model and no tools are available to me.'
        : `Sorry, I could not work out what to do with that. I am an offline model; I can ${listProse(abilities)}.`;
    return { answer, unhandled: 'no tool of mine fits the prompt' };
  }
  // A quiet step (reading the inbox to translate "my latest message") is only narrated when it failed.
  const cannot: string[] = [];
  const parts = plan.steps.flatMap((step, index) => {
    if (step.kind === 'note') {
      cannot.push(step.text);
      return [step.text];
    }
    const skip = skipped.get(index);
    if (skip !== undefined) {
      cannot.push(skip);
      return step.quiet ? [] : [skip];
    }
    const result = results.get(index);
    if (result === undefined || (step.quiet && result.ok)) return [];
    cannot.push(...result.cannot);
    return [result.summary];
  });
  const answer = parts.join('\n');
  return cannot.length === 0 ? { answer } : { answer, unhandled: cannot.join(' ') };
}
