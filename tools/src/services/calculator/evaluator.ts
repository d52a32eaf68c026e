/**
 * Arithmetic with mathjs 15 (a real expression parser), in a restricted mode: an expression is parsed
 * to a syntax tree and evaluated only when every node of the tree is on an allow-list, so nothing but
 * numbers, arithmetic operators, the functions in {@link CALCULATOR_FUNCTIONS} and the constants in
 * {@link CALCULATOR_CONSTANTS} can run. Assignments, function definitions, property access
 * (`constructor`, `__proto__`), strings, matrices, units, conditionals and every other mathjs function
 * (`import`, `createUnit`, `evaluate`, `parse`, `simplify`, `derivative`, `resolve`, …) are refused
 * before evaluation. This is stricter than the "disable dangerous functions" recipe of the mathjs
 * security page (mathjs.org/docs/expressions/security.html), which still leaves the rest of the
 * library reachable.
 *
 * Bounds: at most {@link MAX_EXPRESSION_CHARS} characters; only functions that run in time bounded by
 * their argument count (no `combinations`, whose loop grows with its arguments); results that are not
 * finite numbers (`9^9^9`, `1/0`, `sqrt(-1)` with predictable numbers) are refused.
 */
import { createRequire } from 'node:module';
import type { ConstantNode, FunctionNode, MathJsInstance, MathNode, OperatorNode, SymbolNode } from 'mathjs';
import { invalidField } from '../../server/errors.js';

/** Longest expression accepted, in characters. */
export const MAX_EXPRESSION_CHARS = 1000;

/** The functions an expression may call (plain-number mathjs functions, each bounded in time). */
export const CALCULATOR_FUNCTIONS: ReadonlySet<string> = new Set([
  'abs',
  'sqrt',
  'cbrt',
  'nthRoot',
  'square',
  'cube',
  'exp',
  'expm1',
  'log',
  'log10',
  'log2',
  'log1p',
  'pow',
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'floor',
  'ceil',
  'round',
  'fix',
  'sign',
  'mod',
  'hypot',
  'gcd',
  'lcm',
  'factorial',
  'gamma',
  'min',
  'max',
  'sum',
  'prod',
  'mean',
  'median',
  'std',
  'variance',
]);

/** The named constants an expression may use. `deg` lets `sin(30 deg)` mean degrees. */
export const CALCULATOR_CONSTANTS: Readonly<Record<string, number>> = Object.freeze({
  pi: Math.PI,
  PI: Math.PI,
  e: Math.E,
  E: Math.E,
  tau: 2 * Math.PI,
  phi: (1 + Math.sqrt(5)) / 2,
  deg: Math.PI / 180,
});

/** Operators by mathjs function name: arithmetic only (no comparison, logic, bitwise or ranges). */
const OPERATORS: ReadonlySet<string> = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'mod',
  'unaryMinus',
  'unaryPlus',
  'factorial',
  'dotMultiply',
  'dotDivide',
  'dotPow',
]);

const scope = new Map(Object.entries(CALCULATOR_CONSTANTS));

function refuse(message: string): never {
  throw invalidField('expression', `expression ${message}`);
}

/** Throws unless every node of `tree` is allowed (see the module comment). */
function checkTree(tree: MathNode): void {
  tree.traverse((node, path) => {
    switch (node.type) {
      case 'ConstantNode':
        if (typeof (node as ConstantNode).value !== 'number')
          refuse('may contain only numbers, not strings or booleans');
        return;
      case 'ParenthesisNode':
        return;
      case 'OperatorNode': {
        const op = node as OperatorNode;
        if (!OPERATORS.has(op.fn)) refuse(`may not use the operator "${op.op}": only + - * / ^ % mod ! are allowed`);
        return;
      }
      case 'FunctionNode': {
        const fn = (node as FunctionNode).fn as MathNode;
        if (fn.type !== 'SymbolNode') refuse('may call functions only by name');
        return;
      }
      case 'SymbolNode': {
        const name = (node as SymbolNode).name;
        if (path === 'fn') {
          if (!CALCULATOR_FUNCTIONS.has(name))
            refuse(`may not call "${name}": allowed functions are ${[...CALCULATOR_FUNCTIONS].join(', ')}`);
        } else if (!Object.hasOwn(CALCULATOR_CONSTANTS, name)) {
          refuse(
            `uses the unknown name "${name}": allowed constants are ${Object.keys(CALCULATOR_CONSTANTS).join(', ')}`,
          );
        }
        return;
      }
      default:
        refuse(`may contain only numbers, arithmetic and function calls (found ${describeNode(node.type)})`);
    }
  });
}

function describeNode(type: string): string {
  const names: Record<string, string> = {
    AssignmentNode: 'an assignment',
    FunctionAssignmentNode: 'a function definition',
    AccessorNode: 'a property or index access',
    IndexNode: 'an index',
    ObjectNode: 'an object',
    ArrayNode: 'a matrix',
    BlockNode: 'several expressions',
    ConditionalNode: 'a conditional',
    RangeNode: 'a range',
    RelationalNode: 'a comparison',
  };
  return names[type] ?? type;
}

/** Evaluates arithmetic expressions; see the module comment for what is allowed. */
export interface Evaluator {
  /**
   * Evaluates an arithmetic expression.
   * @param expression e.g. `2 * (3 + 4)`, `sqrt(2) / 2`, `sin(30 deg)`, `15% * 80`
   * @returns the result, rounded to 15 significant digits so binary noise (`0.1 + 0.2`) does not show
   * @throws {LabError} `VALIDATION` (400, field `expression`) when the expression is too long, does
   *   not parse, uses anything not allowed, fails to evaluate, or has no finite number as its result
   */
  evaluate(expression: string): number;
}

let shared: MathJsInstance | undefined;

/**
 * Creates the evaluator. mathjs is loaded here rather than when this module is imported: loading it
 * takes a few hundred ms of CPU, and only the calculator of the seven services needs it.
 */
export function createEvaluator(): Evaluator {
  if (!shared) {
    // The number-only build: a third faster to load than the full one (on the lab's start-up path), and
    // it lacks units, matrices, BigNumbers and complex numbers, none of which an expression may use.
    const mathjs = createRequire(import.meta.url)('mathjs/number') as typeof import('mathjs');
    // predictable: functions of numbers return numbers (NaN for sqrt(-1)), never complex values.
    shared = mathjs.create(mathjs.all, { number: 'number', predictable: true });
  }
  const math = shared;
  return { evaluate: (expression) => evaluateWith(math, expression) };
}

function evaluateWith(math: MathJsInstance, expression: string): number {
  if (expression.length > MAX_EXPRESSION_CHARS) refuse(`must be at most ${MAX_EXPRESSION_CHARS} characters`);
  let tree: MathNode;
  try {
    tree = math.parse(expression);
  } catch (err) {
    return refuse(`is not valid: ${(err as Error).message}`);
  }
  checkTree(tree);
  let value: unknown;
  try {
    value = tree.compile().evaluate(scope);
  } catch (err) {
    return refuse(`cannot be evaluated: ${(err as Error).message}`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse('does not evaluate to a finite number');
  return Number(value.toPrecision(15));
}
