/**
 * The weather service: `GET /weather?city=` → current conditions; an unknown city is a
 * 404 naming it.
 */
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../server/errors.js';
import { parseInput, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { CityIndex, loadCities } from './cities.js';
import { observe } from './observation.js';

const weatherQuery = z.object({ city: requiredText(200) });

/** Current weather for the shipped world cities, varied by the seeded source around each climate. */
export const weatherService: ToolService = {
  name: 'weather',
  routes({ random, now }) {
    const cities = new CityIndex(loadCities());
    const router = Router();
    router.get('/weather', (req, res) => {
      const { city: query } = parseInput(weatherQuery, req.query, 'query');
      const city = cities.find(query);
      if (!city) throw notFound(`unknown city: ${query}`);
      res.json({ city: city.name, country: city.country, ...observe(city, now(), random) });
    });
    return router;
  },
};
