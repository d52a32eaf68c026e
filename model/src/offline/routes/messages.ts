/**
 * Sending a message (`send_message`: recipient and body read by `message-clause.ts`). A body that
 * refers to an earlier result ("send the result to Bob") and a reply to the latest message wait for
 * the step they depend on (the inbox: `inbox.ts`).
 */
import type { TaskResult, ToolTask } from '../types.js';
import { inboxStep, resultText, selectMessages } from './inbox.js';
import { parseMessage, type MessageRequest } from './message-clause.js';
import { note, record, text, toolTask, unreadable, type Route, type RouteContext } from './route.js';

/** Routes message clauses to `send_message({to, body})`. */
export const sendMessageRoute: Route = {
  intent: 'send_message',
  plan(clause, ctx) {
    const request = parseMessage(clause);
    if (request.replyToLatest && request.to === undefined) {
      planReply(request, ctx);
      return;
    }
    const to = request.to;
    const previous = ctx.previousTask();
    if (to === undefined) {
      ctx.add(note('I did not send a message: I could not tell who it is for.'));
    } else if (request.refersBack && previous !== undefined) {
      const passOn = resultText(ctx, previous);
      ctx.add(
        sendTask([previous], (prior) => {
          const body = passOn(prior[0]);
          return body === undefined
            ? { skip: `I did not send anything to ${to}, because there was no result to pass on.` }
            : [{ to, body }];
        }),
      );
    } else if (request.refersBack) {
      ctx.add(note(`I did not send a message to ${to}: there was no earlier result to pass on.`));
    } else if (request.body === undefined && previous !== undefined) {
      // "Check the weather in Madrid and tell Alice": with nothing to say of its own, the message passes on the result before it.
      const passOn = resultText(ctx, previous);
      ctx.add(
        sendTask([previous], (prior) => {
          const body = passOn(prior[0]);
          return body === undefined
            ? { skip: `I did not send anything to ${to}, because there was no result to pass on.` }
            : [{ to, body }];
        }),
      );
    } else if (request.body === undefined) {
      ctx.add(note(`I did not send a message to ${to}: you did not say what it should say.`));
    } else {
      const body = request.body;
      ctx.add(sendTask([], () => [{ to, body }]));
    }
  },
};

/** "Reply to the latest message saying …": read the inbox (unless the prompt already does), then answer its sender. */
function planReply(request: MessageRequest, ctx: RouteContext): void {
  const body = request.body;
  if (body === undefined) {
    ctx.add(note('I did not reply: you did not say what the reply should say.'));
    return;
  }
  const inbox = inboxStep(ctx, { count: 1 });
  ctx.add(
    sendTask([inbox.index], (prior) => {
      const from = text(selectMessages(prior[0].results[0]?.outcome, inbox.request)?.[0]?.from);
      return from === undefined
        ? { skip: 'I did not reply, because I could not read who sent your latest message.' }
        : [{ to: from, body }];
    }),
  );
}

function sendTask(
  needs: number[],
  messages: (prior: TaskResult[]) => Array<{ to: string; body: string }> | { skip: string },
): ToolTask {
  return toolTask({
    tool: 'send_message',
    needs,
    build: (prior) => {
      const built = messages(prior);
      return 'skip' in built ? built : built.map((args) => ({ name: 'send_message' as const, args }));
    },
    describe: (args) => `send the message to ${String(args.to)}`,
    answer: (args, data) => {
      const message = record(record(data)?.message);
      if (message === undefined) return unreadable('message', data);
      const body = text(message.body) ?? String(args.body);
      return `Sent to ${text(message.to) ?? String(args.to)}: "${body}"${/[.!?]$/.test(body) ? '' : '.'}`;
    },
  });
}
