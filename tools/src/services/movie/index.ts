/**
 * The movie service: `GET /movies?query=&language=&page=&per_page=` → a page of matching films with
 * totals. An empty query lists every film (in `language`, when given).
 */
import { Router } from 'express';
import { z } from 'zod';
import { integerParam, parseInput } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { loadMovies, MovieCatalogue } from './catalogue.js';

/** Largest page size. */
export const MAX_PER_PAGE = 50;

const moviesQuery = z.object({
  query: z.string().trim().max(200).default(''),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .refine((code) => code === '' || /^[a-z]{2}$/.test(code), {
      message: 'must be a two-letter ISO 639-1 code such as en, ja or fr',
    })
    .optional(),
  page: integerParam(1, 1, 100_000),
  per_page: integerParam(10, 1, MAX_PER_PAGE),
});

/** Film search over the shipped catalogue. */
export const movieService: ToolService = {
  name: 'movie',
  routes() {
    const catalogue = new MovieCatalogue(loadMovies());
    const router = Router();
    router.get('/movies', (req, res) => {
      const { query, language, page, per_page } = parseInput(moviesQuery, req.query, 'query');
      const matches = catalogue.find(query, language || undefined);
      res.json({
        query,
        page,
        per_page,
        total_results: matches.length,
        total_pages: Math.ceil(matches.length / per_page),
        results: matches.slice((page - 1) * per_page, page * per_page),
      });
    });
    return router;
  },
};
