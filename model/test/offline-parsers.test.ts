/**
 * The offline model's parsers one by one: number words, arithmetic, quotes, dates, places, languages,
 * clause splitting and intents.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractExpression } from '../src/offline/arithmetic.js';
import { splitClauses } from '../src/offline/clauses.js';
import { findWhen } from '../src/offline/dates.js';
import { detectIntent } from '../src/offline/intents.js';
import { findLanguages, languageCode } from '../src/offline/languages.js';
import { numberWordsToDigits } from '../src/offline/numbers.js';
import { defaultKnownPlaces, findPlaces } from '../src/offline/places.js';
import { findQuotes, maskQuotes } from '../src/offline/text.js';
import { FIXED_NOW } from './support/offline.js';

describe('offline parsers', () => {
  it('reads English number words as digits', () => {
    const cases: Array<[string, string]> = [
      ['fifteen times twenty-three', '15 times 23'],
      ['one hundred and five', '105'],
      ['a thousand two hundred', '1200'],
      ['three point five', '3.5'],
      ['two million three hundred thousand', '2300000'],
      ['one two', '1 2'],
      ['no numbers here', 'no numbers here'],
    ];
    for (const [input, expected] of cases) assert.equal(numberWordsToDigits(input), expected, input);
  });

  it('extracts arithmetic in mathjs syntax from digits, symbols and words', () => {
    const cases: Array<[string, string | undefined]> = [
      ['Calculate the result of 15 * 23 + 47', '15 * 23 + 47'],
      ['What is fifteen times twenty-three?', '15 * 23'],
      ['what is 20% of 150', '20 / 100 * 150'],
      ['the square root of 16', 'sqrt(16)'],
      ['2 to the power of 10', '2^10'],
      ['What is 2,500 minus 1,250?', '2500 - 1250'],
      ['subtract 8 from 20', '20 - 8'],
      ['the average of 10, 20 and 30', '(10 + 20 + 30) / 3'],
      ['Compute (3 + 4) * 5', '(3 + 4) * 5'],
      ['what is -5 + 3', '-5 + 3'],
      ['12 x 12', '12 * 12'],
      ['7 mod 3', '7 mod 3'],
      ['5 factorial', '5!'],
      ['meet on 2026-12-01 at 14:00', undefined],
      ['pizza for 4', undefined],
    ];
    for (const [input, expected] of cases) assert.equal(extractExpression(input), expected, input);
    assert.equal(extractExpression('Calculate the area of a circle with radius 5'), undefined);
  });

  it('finds quotes without mistaking apostrophes for them', () => {
    assert.deepEqual(
      findQuotes("What's the weather and translate 'I don't know' to French").map((q) => q.text),
      ["I don't know"],
    );
    assert.deepEqual(
      findQuotes('Say “good night” and "hello"').map((q) => q.text),
      ['good night', 'hello'],
    );
    assert.deepEqual(findQuotes("It's Bob's car"), []);
    const masked = maskQuotes("titled 'May Day' tomorrow");
    assert.deepEqual(masked.quotes, ['May Day']);
    assert.ok(!masked.text.includes('May'));
  });

  it('reads dates and times relative to the injected clock, in the calendar formats', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['tomorrow at 2 PM', '2026-11-22', '14:00'],
      ['next Monday', '2026-11-23', undefined],
      ['on March 3rd', '2027-03-03', undefined],
      ['2026-12-01', '2026-12-01', undefined],
      ['Friday at noon', '2026-11-27', '12:00'],
      ['the day after tomorrow at 9:30am', '2026-11-23', '09:30'],
    ];
    for (const [input, date, time] of cases) {
      const when = findWhen(input, FIXED_NOW);
      assert.equal(when?.date, date, input);
      assert.equal(when?.time, time, input);
    }
    assert.equal(findWhen('at 10am', FIXED_NOW)?.dayGiven, false);
    assert.equal(findWhen('Calculate 15 * 23 + 47', FIXED_NOW), undefined);
  });

  it('finds places: known names in any case, aliases, and unknown capitalised places', () => {
    const known = defaultKnownPlaces();
    assert.ok(known.includes('New York') && known.includes('NYC'), 'reads the weather service city list');
    const cases: Array<[string, string[]]> = [
      ["What's the weather like in New York today?", ['New York']],
      ['weather in paris', ['Paris']],
      ["how's the weather in nyc", ['NYC']],
      ['Is it raining in sao paulo?', ['São Paulo']],
      ['Weather in London and Tokyo?', ['London', 'Tokyo']],
      ["What's the weather in Atlantis?", ['Atlantis']],
      ['weather in springfield today', ['Springfield']],
      ['the Gotham City forecast', ['Gotham City']],
      ['what is the weather like on Monday', []],
    ];
    for (const [input, expected] of cases) assert.deepEqual(findPlaces(input, known), expected, input);
    assert.deepEqual(findPlaces('weather in Paris', []), ['Paris'], 'works without the city list');
  });

  it('knows language names and the translator codes', () => {
    assert.deepEqual(
      findLanguages('from French into german').map((l) => l.code),
      ['fr', 'de'],
    );
    assert.equal(languageCode('ES'), 'es');
    assert.equal(languageCode('it'), undefined, '"it" is the pronoun');
    assert.equal(languageCode('IT'), 'it');
    assert.equal(languageCode('Japanese'), 'ja');
  });

  it('routes clauses by verb first, then by keywords, and questions to search', () => {
    const cases: Array<[string, string | undefined]> = [
      ['Translate hello to French', 'translate'],
      ['Search for information about chaos engineering', 'search'],
      ['Look up the weather in Paris', 'weather'],
      ['Find the movie Inception', 'movie'],
      ['Text Bob that I am late', 'send_message'],
      ['Tell me about Toxiproxy', 'search'],
      ['Remind me to call mom tomorrow', 'add_event'],
      ['Remind Carol to call mom', 'send_message'],
      ['Add 5 and 7', 'calculate'],
      ['Delete all events on Friday', 'delete_events'],
      ["What's on my calendar tomorrow?", 'events'],
      ['Do I have any new messages?', 'inbox'],
      ['Is it raining in Seattle?', 'weather'],
      ['What is 20% of 150?', 'calculate'],
      ['Who invented the telephone?', 'search'],
      ['thanks!', undefined],
      ['Book me a flight to Mars', undefined],
    ];
    for (const [input, intent] of cases) assert.equal(detectIntent(input)?.intent, intent, input);
  });

  it('splits a prompt into one clause per request and glues fragments back', () => {
    const intents = (prompt: string) => splitClauses(prompt).map((c) => c.intent);
    assert.deepEqual(intents("What's the weather in Paris and translate 'good morning' into French"), [
      'weather',
      'translate',
    ]);
    assert.deepEqual(intents('Search for information about Bonnie and Clyde'), ['search']);
    assert.deepEqual(intents('What is one hundred and five divided by three point five?'), ['calculate']);
    assert.deepEqual(intents('Send a message to Alice saying the weather is nice and the movie was great'), [
      'send_message',
    ]);
    assert.deepEqual(intents("Text Bob that I'll be late, then check my inbox"), ['send_message', 'inbox']);
    assert.deepEqual(intents("What's the temperature in Rome, what is 7 times 8, and what's on my calendar?"), [
      'weather',
      'calculate',
      'events',
    ]);
    assert.deepEqual(intents('Hello, what is the weather in Oslo?'), ['weather']);
  });
});
