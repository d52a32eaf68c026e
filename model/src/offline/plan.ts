/**
 * The plan for a prompt: its clauses routed to steps, in prompt order, and the order they may run in.
 * Steps in the same wave run together (one AI message with several tool calls); a step waits for the
 * steps it needs (their results are its input) and, on the calendar and the message service, for every
 * earlier step that writes what it reads or writes (delete before add, send before reading the inbox).
 */
import { splitClauses } from './clauses.js';
import { ROUTES } from './routes/index.js';
import type { RouteContext } from './routes/route.js';
import type { PlanContext, Step, ToolName } from './types.js';

/** The planned steps and the wave (0, 1, …) each tool task runs in; notes have no wave. */
export interface Plan {
  steps: Step[];
  waves: Array<number | undefined>;
}

/** The service state each tool reads or writes; tools on different (or no) shared state never wait for each other. */
const STATE: Partial<Record<ToolName, { state: string; writes: boolean }>> = {
  get_events: { state: 'calendar', writes: false },
  add_event: { state: 'calendar', writes: true },
  delete_events: { state: 'calendar', writes: true },
  read_inbox: { state: 'messages', writes: false },
  send_message: { state: 'messages', writes: true },
};

/**
 * Plans `prompt`: splits it into clauses, lets each clause's route add its steps, then orders them.
 * Deterministic: the same prompt and context always give the same plan.
 */
export function planPrompt(prompt: string, context: PlanContext): Plan {
  const steps: Step[] = [];
  const ctx: RouteContext = {
    now: context.now,
    places: context.places,
    add: (step) => steps.push(step) - 1,
    previousTask: () => {
      const index = steps.findLastIndex((s) => s.kind === 'tool' && !s.quiet);
      return index < 0 ? undefined : index;
    },
  };
  for (const clause of splitClauses(prompt)) ROUTES[clause.intent].plan(clause, ctx);
  return { steps, waves: waves(steps) };
}

function waves(steps: readonly Step[]): Array<number | undefined> {
  const result: Array<number | undefined> = [];
  steps.forEach((step, j) => {
    if (step.kind !== 'tool') {
      result.push(undefined);
      return;
    }
    const mine = STATE[step.tool];
    const before = steps.flatMap((other, i) => {
      if (i >= j || other.kind !== 'tool') return [];
      const theirs = STATE[other.tool];
      const conflicts =
        mine !== undefined && theirs !== undefined && mine.state === theirs.state && (mine.writes || theirs.writes);
      return step.needs.includes(i) || conflicts ? [result[i] ?? 0] : [];
    });
    result.push(before.length === 0 ? 0 : Math.max(...before) + 1);
  });
  return result;
}
