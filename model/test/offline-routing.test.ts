/**
 * The offline model over every shipped prompt: the exact tool calls it makes, round by round, with the
 * clock fixed at Saturday 2026-11-21 09:00 and tool results canned as the services shape them; and the
 * shipped prompts file itself (the README's five verbatim, every tool covered, multi-tool prompts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOOL_NAMES } from '@chaos-lab/common';
import { cannedReply, converse, shippedPrompts, type Call } from './support/offline.js';

const call = (name: string, args: Record<string, unknown>): Call => ({ name, args });
const weather = (city: string) => call('get_weather', { city });
const translate = (text: string, target: string, source = 'auto') =>
  call('translate', { text, source_language: source, target_language: target });

/** Every shipped prompt's tool calls, one array per round (a later round depends on an earlier one). */
const EXPECTED: Record<string, Call[][]> = {
  'readme-weather': [[weather('New York')]],
  'readme-search': [[call('search_web', { query: 'chaos engineering' })]],
  'readme-calculate': [[call('calculate', { expression: '15 * 23 + 47' })]],
  'readme-calendar': [[call('add_event', { title: 'Team Meeting', date: '2026-11-22', time: '14:00' })]],
  'readme-translate': [[translate('Hello, how are you?', 'es')]],
  'weather-question': [[weather('Seattle')]],
  'weather-lowercase-alias': [[weather('NYC')]],
  'weather-two-cities': [[weather('London'), weather('Tokyo')]],
  'weather-accents': [[weather('São Paulo')]],
  'calc-words': [[call('calculate', { expression: '15 * 23' })]],
  'calc-percent': [[call('calculate', { expression: '20 / 100 * 150' })]],
  'calc-functions': [[call('calculate', { expression: 'sqrt(144) + 2^10' })]],
  'search-look-up': [[call('search_web', { query: 'circuit breaker pattern' })]],
  'search-question': [[call('search_web', { query: 'Toxiproxy' })]],
  'movie-title': [[call('search_movie', { query: 'Inception' })]],
  'movie-language': [[call('search_movie', { query: 'samurai', language: 'ja' })]],
  'movie-quoted': [[call('search_movie', { query: 'Parasite' })]],
  'movie-page-size': [[call('search_movie', { query: 'Matrix', per_page: 3 })]],
  'calendar-read': [[call('get_events', { date: '2026-11-22' })]],
  'calendar-schedule': [[call('add_event', { title: 'Dentist appointment', date: '2026-11-25', time: '15:30' })]],
  'calendar-iso-date': [[call('add_event', { title: 'Quarterly review', date: '2026-12-01', time: '10:00' })]],
  'calendar-remind': [[call('add_event', { title: 'Call the plumber', date: '2026-11-27', time: '09:00' })]],
  'calendar-delete': [[call('delete_events', { date: '2026-12-01' })]],
  'message-send': [[call('send_message', { to: 'Alice', body: 'the deploy went fine' })]],
  'message-text': [[call('send_message', { to: 'Bob', body: "I'll be 10 minutes late" })]],
  'message-tell': [[call('send_message', { to: 'Carol', body: 'the game day moved to Thursday' })]],
  'message-ask': [[call('send_message', { to: 'Dave', body: 'Have you finished your report?' })]],
  'inbox-read': [[call('read_inbox', {})]],
  'inbox-from': [[call('read_inbox', {})]],
  'translate-unquoted': [[translate('thank you', 'de')]],
  'translate-from-to': [[translate('good night', 'it', 'en')]],
  'translate-two-targets': [
    [translate('Where is the train station?', 'fr'), translate('Where is the train station?', 'pt')],
  ],
  'multi-weather-translate': [[weather('Paris'), translate('good morning', 'fr')]],
  'multi-three-questions': [
    [weather('Rome'), call('calculate', { expression: '7 * 8' }), call('get_events', { date: '2026-11-22' })],
  ],
  'multi-calc-then-send': [
    [call('calculate', { expression: '1250 * 12' })],
    [call('send_message', { to: 'Dave', body: '1250 * 12 = 15000.' })],
  ],
  'multi-inbox-then-translate': [[call('read_inbox', {})], [translate('Are we still on for lunch on Friday?', 'es')]],
  'multi-clear-then-add': [
    [call('delete_events', { date: '2026-11-23' })],
    [call('add_event', { title: 'Planning session', date: '2026-11-23', time: '11:00' })],
  ],
  'multi-reply': [
    [call('read_inbox', {})],
    [call('send_message', { to: 'alice@example.com', body: "I'll be there at noon" })],
  ],
  'multi-film-weather': [[call('search_movie', { query: 'Amélie' }), weather('Paris')]],
};

/** Words of an answer that would mean the model failed, or dumped a body instead of writing sentences. */
const NOT_AN_ANSWER = /I could not|I did not|not in a form I can read|Sorry|[{}]/;

describe('offline model over the shipped prompts', () => {
  const prompts = shippedPrompts();

  it('ships the README five verbatim and at least 25 more, each with an id, a prompt and tags', () => {
    assert.deepEqual(
      prompts.slice(0, 5).map((p) => p.prompt),
      [
        "What's the weather like in New York today?",
        'Search for information about chaos engineering',
        'Calculate the result of 15 * 23 + 47',
        "Add an event to my calendar for tomorrow at 2 PM titled 'Team Meeting'",
        "Translate 'Hello, how are you?' to Spanish",
      ],
    );
    assert.ok(prompts.length >= 30, `${prompts.length} prompts`);
    for (const p of prompts) {
      assert.ok(
        typeof p.id === 'string' &&
          p.id !== '' &&
          typeof p.prompt === 'string' &&
          p.prompt.trim() !== '' &&
          Array.isArray(p.tags),
        JSON.stringify(p),
      );
    }
    assert.equal(new Set(prompts.map((p) => p.id)).size, prompts.length, 'ids are unique');
    assert.equal(new Set(prompts.map((p) => p.prompt)).size, prompts.length, 'prompts are unique');
  });

  it('has an expected routing for every shipped prompt, and no other', () => {
    assert.deepEqual(prompts.map((p) => p.id).sort(), Object.keys(EXPECTED).sort());
  });

  for (const p of prompts) {
    it(`${p.id}: ${p.prompt}`, async () => {
      const { rounds, answer } = await converse(p.prompt, cannedReply);
      assert.deepEqual(rounds, EXPECTED[p.id]);
      assert.ok(answer.trim() !== '' && !NOT_AN_ANSWER.test(answer), answer);
    });
  }

  it('covers all ten tools, and several prompts use more than one tool', () => {
    const calls = Object.values(EXPECTED).map((rounds) => rounds.flat());
    assert.deepEqual([...new Set(calls.flat().map((c) => c.name))].sort(), [...TOOL_NAMES].sort());
    const multiTool = calls.filter((c) => new Set(c.map((x) => x.name)).size > 1);
    assert.ok(multiTool.length >= 5, `${multiTool.length} multi-tool prompts`);
    assert.ok(
      Object.values(EXPECTED).some((rounds) => rounds.length > 1),
      'some prompts make a follow-up call from a result',
    );
  });

  it('gives every tool call of a conversation its own id', async () => {
    const { messages } = await converse(
      prompts.find((p) => p.id === 'multi-calc-then-send')?.prompt ?? '',
      cannedReply,
    );
    const ids = messages.flatMap((m) =>
      'tool_calls' in m && Array.isArray(m.tool_calls) ? m.tool_calls.map((c: { id?: string }) => c.id) : [],
    );
    assert.equal(ids.length, 2);
    assert.equal(new Set(ids).size, ids.length);
  });
});
