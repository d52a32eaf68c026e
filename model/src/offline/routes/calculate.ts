/**
 * Arithmetic: the clause's expression (digits, operators, or words) sent to `calculate`, and the result
 * written as "expression = result.". An expression that leaves out a number of the clause is never
 * sent: the answer says it could not tell how to calculate it.
 */
import { extractExpression, numbersLeftOut } from '../arithmetic.js';
import { listProse, squash, unmask } from '../text.js';
import { formatNumber, note, num, record, singleCall, text, unreadable, type Route } from './route.js';

/** Routes calculation clauses to `calculate({expression})`. */
export const calculateRoute: Route = {
  intent: 'calculate',
  plan(clause, ctx) {
    const sentence = unmask(clause.masked, clause.quotes, (q) => q);
    const expression = extractExpression(sentence);
    if (expression === undefined) {
      ctx.add(note(`I could not find a calculation to do in "${squash(unmask(clause.masked, clause.quotes))}".`));
      return;
    }
    const leftOut = numbersLeftOut(sentence, expression);
    if (leftOut.length > 0) {
      // Calculating only part of the question would answer something else than was asked.
      ctx.add(
        note(
          `I could not tell how to calculate "${squash(sentence)}": the calculation I can read, ${expression}, leaves out ${listProse(leftOut)}.`,
        ),
      );
      return;
    }
    ctx.add(
      singleCall({
        tool: 'calculate',
        args: { expression },
        describe: (args) => `calculate ${String(args.expression)}`,
        answer: (args, data) => {
          const body = record(data);
          const value = num(body?.result);
          const result = value === undefined ? text(body?.result) : formatNumber(value);
          if (result === undefined) return unreadable('calculator', data);
          return `${text(body?.expression) ?? String(args.expression)} = ${result}.`;
        },
      }),
    );
  },
};
