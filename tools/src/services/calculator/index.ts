/**
 * The calculator service: `POST /calculate {expression}` → `{expression, result}`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { parseInput, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { createEvaluator, MAX_EXPRESSION_CHARS } from './evaluator.js';

const calculateBody = z.object({ expression: requiredText(MAX_EXPRESSION_CHARS) });

/** Evaluates arithmetic expressions in mathjs's restricted mode (see `evaluator.ts`). */
export const calculatorService: ToolService = {
  name: 'calculator',
  routes() {
    const evaluator = createEvaluator();
    const router = Router();
    router.post('/calculate', (req, res) => {
      const { expression } = parseInput(calculateBody, req.body, 'body');
      res.json({ expression, result: evaluator.evaluate(expression) });
    });
    return router;
  },
};
