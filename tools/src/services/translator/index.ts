/**
 * The translator service: `POST /translate {text, source_language, target_language, request_id}` →
 * `{text, translation, source_language, target_language, method}`. `source_language`
 * defaults to `auto`. Translating has no side effect, so `request_id` is accepted (and validated) but
 * needs no deduplication: a repeat gets the same translation.
 */
import { Router } from 'express';
import { z } from 'zod';
import { invalidField } from '../../server/errors.js';
import { parseInput, requestIdField, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { loadDictionary } from './dictionary.js';
import { AUTO, resolveLanguage } from './language.js';
import { translateText } from './translate.js';

/** Longest text translated at once, in characters. */
export const MAX_TEXT_CHARS = 5000;

const translateBody = z.object({
  text: requiredText(MAX_TEXT_CHARS),
  source_language: requiredText(40).default(AUTO),
  target_language: requiredText(40),
  request_id: requestIdField,
});

/** Phrase and word-by-word translation between the dictionary's languages. */
export const translatorService: ToolService = {
  name: 'translator',
  routes() {
    const dictionary = loadDictionary();
    const router = Router();
    router.post('/translate', (req, res) => {
      const input = parseInput(translateBody, req.body, 'body');
      const target = resolveLanguage(input.target_language, dictionary.languages, 'target_language', false);
      let source = resolveLanguage(input.source_language, dictionary.languages, 'source_language', true);
      if (source === AUTO) {
        const detected = dictionary.detect(input.text);
        if (!detected) {
          throw invalidField(
            'source_language',
            'source_language could not be detected: no word of text is in the dictionary; name the language',
          );
        }
        source = detected;
      }
      res.json({
        text: input.text,
        source_language: source,
        target_language: target,
        ...translateText(dictionary, input.text, source, target),
      });
    });
    return router;
  },
};
