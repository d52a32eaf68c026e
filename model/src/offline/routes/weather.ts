/**
 * Weather: one `get_weather` call per place named in the clause ("in Paris and London" → two), and the
 * observation written as a sentence. The service observes the weather now; a clause about a later day
 * ("will it rain tomorrow in London?") gets the current weather and a sentence saying that is all it
 * can tell, so the answer is never passed off as a forecast.
 */
import { findPlaces } from '../places.js';
import { unmask } from '../text.js';
import { formatNumber, note, num, record, singleCall, text, unreadable, type Route } from './route.js';
import type { Cannot } from '../types.js';

const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
/** Words that ask about a later time than now. */
const LATER = new RegExp(
  String.raw`\b(?:tomorrow|tonight|next\s+(?:week|weekend|month|${WEEKDAY})|this\s+(?:weekend|evening|afternoon|${WEEKDAY})|(?:on|by)\s+${WEEKDAY}|later\s+today|in\s+\d+\s+days?|the\s+day\s+after)\b`,
  'i',
);

/** Routes weather clauses to `get_weather({city})`. */
export const weatherRoute: Route = {
  intent: 'weather',
  plan(clause, ctx) {
    const cities = findPlaces(
      unmask(clause.masked, clause.quotes, (q) => q),
      ctx.places,
    );
    if (cities.length === 0) {
      ctx.add(note('I could not tell which city you want the weather for; please name one.'));
      return;
    }
    for (const city of cities) {
      ctx.add(
        singleCall({
          tool: 'get_weather',
          args: { city },
          describe: (args) => `get the weather for ${String(args.city)}`,
          answer: weatherSentence,
        }),
      );
    }
    const later = clause.masked.match(LATER);
    if (later !== null)
      ctx.add(
        note(`I can only tell the weather now: the weather service gives no forecast for ${later[0].toLowerCase()}.`),
      );
  },
};

/**
 * Conditions as they read after "It is 12 °C and …" (the service names them as nouns: "rain", "fog").
 * Each phrase keeps the service's own word, so the answer says exactly what the tool returned.
 */
const CONDITION_PHRASES: Record<string, string> = {
  rain: 'raining',
  showers: 'there are showers',
  thunderstorm: 'there is a thunderstorm',
  snow: 'snowing',
  fog: 'foggy',
  drizzle: 'there is drizzle',
};

/** "It is 18.2 °C and partly cloudy in New York (feels like 17.5 °C, humidity 63 %, wind 4.1 m/s)." */
function weatherSentence(args: Record<string, unknown>, data: unknown): string | Cannot {
  const body = record(data);
  const temperature = num(body?.temperature_c);
  const conditions = text(body?.conditions);
  if (body === undefined || temperature === undefined || conditions === undefined) return unreadable('weather', data);
  const city = text(body.city) ?? String(args.city);
  const details = [
    detail('feels like', body.feels_like_c, '°C'),
    detail('humidity', body.humidity_pct, '%'),
    detail('wind', body.wind_ms, 'm/s'),
  ].filter((d): d is string => d !== undefined);
  return `It is ${formatNumber(temperature)} °C and ${CONDITION_PHRASES[conditions.toLowerCase()] ?? conditions} in ${city}${details.length > 0 ? ` (${details.join(', ')})` : ''}.`;
}

function detail(label: string, value: unknown, unit: string): string | undefined {
  const n = num(value);
  return n === undefined ? undefined : `${label} ${formatNumber(n)} ${unit}`;
}
