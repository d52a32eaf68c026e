/**
 * The shipped world cities (`tools/data/cities.json`) with their climate figures, and how a city is
 * found by the name a user types: case- and accent-insensitive ("sao paulo"), by alias ("NYC"), and
 * with an optional country after a comma ("Paris, France").
 */
import { z } from 'zod';
import { loadDataFile } from '../../data.js';
import { matchKey } from '../../text.js';

/** The weather conditions a city's climate can produce. */
export const CONDITIONS = [
  'clear',
  'partly cloudy',
  'cloudy',
  'rain',
  'showers',
  'thunderstorm',
  'snow',
  'fog',
  'windy',
  'drizzle',
] as const;

/** One weather condition, e.g. `partly cloudy`. */
export type Condition = (typeof CONDITIONS)[number];

const citySchema = z.object({
  name: z.string().min(1),
  country: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  monthly_mean_c: z.array(z.number().min(-90).max(60)).length(12),
  diurnal_range_c: z.number().min(0).max(40),
  humidity_pct: z.number().min(0).max(100),
  wind_ms: z.number().min(0).max(60),
  conditions: z
    .partialRecord(z.enum(CONDITIONS), z.number().min(0).max(1))
    .refine((weights) => Math.abs(Object.values(weights).reduce((sum, w) => sum + (w ?? 0), 0) - 1) < 0.01, {
      message: 'condition weights must sum to 1',
    }),
});

const citiesSchema = z.array(citySchema).min(1);

/** A city and its climate: monthly mean temperatures Jan..Dec (°C), mean daily range (°C), mean relative humidity (%), mean wind (m/s) and condition frequencies (summing to 1). */
export type City = z.output<typeof citySchema>;

/** Loads and validates `cities.json` (once per process). */
export function loadCities(): readonly City[] {
  return loadDataFile('cities.json', citiesSchema);
}

/** Finds cities by the names users type. */
export class CityIndex {
  private readonly byKey = new Map<string, City>();
  private readonly countryKeys = new Set<string>();

  constructor(cities: readonly City[]) {
    for (const city of cities) {
      this.countryKeys.add(matchKey(city.country));
      // The first city listed keeps a name another city also has as an alias.
      for (const name of [city.name, `${city.name}, ${city.country}`, ...city.aliases]) {
        const key = matchKey(name);
        if (!this.byKey.has(key)) this.byKey.set(key, city);
      }
    }
  }

  /**
   * The city named `query`, or undefined. "Paris" and "Paris, France" find Paris; a qualifier after a
   * comma that names another country in the list ("Paris, Japan") finds nothing, while one that names
   * no country ("New York, NY") is ignored.
   */
  find(query: string): City | undefined {
    const exact = this.byKey.get(matchKey(query));
    if (exact) return exact;
    const comma = query.lastIndexOf(',');
    if (comma === -1) return undefined;
    const city = this.byKey.get(matchKey(query.slice(0, comma)));
    const qualifier = matchKey(query.slice(comma + 1));
    if (!city || (this.countryKeys.has(qualifier) && qualifier !== matchKey(city.country))) return undefined;
    return city;
  }
}
