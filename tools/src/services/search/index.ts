/**
 * The search service: `GET /search?q=&limit=` → `{query, total, results:[{title, url, snippet, score}]}`
 * ranked best first, from the shipped corpus `tools/data/search-corpus.json`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { loadDataFile } from '../../data.js';
import { integerParam, parseInput, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { SearchIndex } from './ranking.js';

const corpusSchema = z
  .array(
    z.object({
      id: z.union([z.string().min(1), z.number()]),
      title: z.string().min(1),
      url: z.url(),
      snippet: z.string().min(1),
      body: z.string(),
      topics: z.array(z.string()).default([]),
    }),
  )
  .min(1);

const searchQuery = z.object({ q: requiredText(500), limit: integerParam(5, 1, 20) });

/** Web search over the shipped corpus. */
export const searchService: ToolService = {
  name: 'search',
  routes() {
    const index = new SearchIndex(loadDataFile('search-corpus.json', corpusSchema));
    const router = Router();
    router.get('/search', (req, res) => {
      const { q, limit } = parseInput(searchQuery, req.query, 'query');
      const { total, hits } = index.search(q, limit);
      res.json({
        query: q,
        total,
        results: hits.map(({ document, score }) => ({
          title: document.title,
          url: document.url,
          snippet: document.snippet,
          score,
        })),
      });
    });
    return router;
  },
};
