/**
 * Current weather for a city: values drawn from the seeded random source around the city's climate
 * for the time of year and the local hour, as a weather station would report them.
 *
 * Model: the mean temperature is interpolated between the monthly means (each taken at mid-month);
 * a daily cycle adds ±half the mean diurnal range (coolest before dawn, warmest at 15:00 local solar
 * time, damped under cloud and rain); a random anomaly of up to ±3 °C is added. The condition is drawn
 * from the city's condition frequencies (snow turns to rain above 2 °C and rain to snow below -1 °C);
 * humidity and wind vary around the city's means and follow the condition. "Feels like" is the
 * apparent temperature of Steadman (1994) in the form the Australian Bureau of Meteorology uses:
 * AT = Ta + 0.33·e − 0.70·ws − 4.00, with e = rh/100 · 6.105 · exp(17.27·Ta / (237.7 + Ta)) hPa.
 *
 * One observation holds for an {@link OBSERVATION_PERIOD_MS} period: it is drawn from a stream forked
 * from the service's seeded source by city and period, so asking twice within a period gives the same
 * answer, and the same seed gives the same weather whatever the order of the requests.
 */
import type { Random } from '@chaos-lab/common';
import type { City, Condition } from './cities.js';

/** How long one observation holds, ms (a station reporting every ten minutes). */
export const OBSERVATION_PERIOD_MS = 10 * 60_000;

/** The weather at a city at one time. Temperatures °C, humidity %, wind m/s, time ISO-8601 UTC. */
export interface Observation {
  readonly temperature_c: number;
  readonly feels_like_c: number;
  readonly humidity_pct: number;
  readonly wind_ms: number;
  readonly conditions: Condition;
  readonly observed_at: string;
}

/** How much of the daily temperature cycle each condition lets through (clouds damp it). */
const DIURNAL_SHARE: Record<Condition, number> = {
  clear: 1,
  'partly cloudy': 0.85,
  cloudy: 0.5,
  rain: 0.4,
  showers: 0.6,
  thunderstorm: 0.7,
  snow: 0.4,
  fog: 0.4,
  windy: 0.8,
  drizzle: 0.45,
};

/** Humidity shift by condition, percentage points. */
const HUMIDITY_SHIFT: Record<Condition, number> = {
  clear: -8,
  'partly cloudy': -3,
  cloudy: 5,
  rain: 18,
  showers: 12,
  thunderstorm: 15,
  snow: 12,
  fog: 25,
  windy: -6,
  drizzle: 15,
};

/** Wind factor by condition. */
const WIND_FACTOR: Partial<Record<Condition, number>> = { windy: 2.2, thunderstorm: 1.6, showers: 1.2, fog: 0.4 };

const WARMEST_HOUR = 15;

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The climate's mean temperature at `date` (UTC), interpolated between mid-month means. */
export function seasonalMeanC(monthlyMeanC: readonly number[], date: Date): number {
  const month = date.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), month + 1, 0)).getUTCDate();
  const position = month + (date.getUTCDate() - 1 + date.getUTCHours() / 24) / daysInMonth - 0.5;
  const from = Math.floor(position);
  const share = position - from;
  const at = (i: number) => monthlyMeanC[((i % 12) + 12) % 12] as number;
  return at(from) * (1 - share) + at(from + 1) * share;
}

/** Apparent temperature (°C) from air temperature (°C), relative humidity (%) and wind (m/s); see the module comment. */
export function apparentTemperatureC(airC: number, humidityPct: number, windMs: number): number {
  const vapourPressureHpa = (humidityPct / 100) * 6.105 * Math.exp((17.27 * airC) / (237.7 + airC));
  return airC + 0.33 * vapourPressureHpa - 0.7 * windMs - 4;
}

function drawCondition(weights: City['conditions'], random: Random): Condition {
  const entries = Object.entries(weights) as [Condition, number][];
  let draw = random.next() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [condition, weight] of entries) {
    draw -= weight;
    if (draw < 0) return condition;
  }
  return entries[entries.length - 1]?.[0] ?? 'clear';
}

/**
 * Observes the weather at `city`.
 * @param city the city and its climate
 * @param atMs the time, ms since the epoch; rounded down to its observation period
 * @param source the weather service's seeded source (forked here by city and period, never advanced)
 */
export function observe(city: City, atMs: number, source: Random): Observation {
  const periodStartMs = Math.floor(atMs / OBSERVATION_PERIOD_MS) * OBSERVATION_PERIOD_MS;
  const random = source.fork(`${city.name}|${city.country}|${periodStartMs}`);
  const at = new Date(periodStartMs);

  let conditions = drawCondition(city.conditions, random);
  const solarHour = (at.getUTCHours() + at.getUTCMinutes() / 60 + city.lon / 15 + 24) % 24;
  const daily = (city.diurnal_range_c / 2) * Math.cos((2 * Math.PI * (solarHour - WARMEST_HOUR)) / 24);
  const anomaly = random.float(-1.5, 1.5) + random.float(-1.5, 1.5);
  const temperatureC = seasonalMeanC(city.monthly_mean_c, at) + daily * DIURNAL_SHARE[conditions] + anomaly;
  if (conditions === 'snow' && temperatureC > 2) conditions = 'rain';
  else if ((conditions === 'rain' || conditions === 'drizzle' || conditions === 'showers') && temperatureC < -1)
    conditions = 'snow';

  const humidityPct = Math.round(
    Math.min(100, Math.max(5, city.humidity_pct + HUMIDITY_SHIFT[conditions] + random.float(-8, 8))),
  );
  const windMs = round1(city.wind_ms * (WIND_FACTOR[conditions] ?? 1) * random.float(0.5, 1.5));
  return {
    temperature_c: round1(temperatureC),
    feels_like_c: round1(apparentTemperatureC(temperatureC, humidityPct, windMs)),
    humidity_pct: humidityPct,
    wind_ms: windMs,
    conditions,
    observed_at: at.toISOString(),
  };
}
