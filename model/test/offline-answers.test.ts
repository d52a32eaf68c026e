/**
 * The offline model's final answers: written from the ToolMessages (the services' bodies) in plain
 * sentences, saying plainly when a tool failed (error ToolMessage, `{error}` body, no ToolMessage at
 * all), never inventing a result, and only calling the tools it was given.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { OfflineChatModel } from '../src/offline/index.js';
import { cannedReply, converse, offlineModel, standInTools, type Call, type Reply } from './support/offline.js';

/** Answers with `bodies[tool]` when given (a body or a failure), else the canned success. */
const replies =
  (overrides: Record<string, Reply>) =>
  (call: Call): Reply =>
    overrides[call.name] ?? cannedReply(call);

describe('offline model answers', () => {
  it("keeps the weather service's own word for every condition it can report", async () => {
    // The conditions of tools/data/cities.json (see tools/data/README.md).
    const conditions = [
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
    ];
    for (const condition of conditions) {
      const body = {
        city: 'Lima',
        country: 'Peru',
        temperature_c: 19,
        feels_like_c: 19,
        humidity_pct: 80,
        wind_ms: 3,
        conditions: condition,
        observed_at: '2026-11-21T09:00:00Z',
      };
      const { answer } = await converse("What's the weather in Lima?", replies({ get_weather: { body } }));
      assert.match(answer, new RegExp(`^It is 19 °C and .*${condition}.* in Lima`), `${condition}: ${answer}`);
    }
  });

  it('writes each tool result as a sentence with its numbers and names', async () => {
    const cases: Array<[string, Record<string, Reply>, string]> = [
      [
        "What's the weather like in New York today?",
        {},
        'It is 18.2 °C and partly cloudy in New York (feels like 17.5 °C, humidity 63 %, wind 4.1 m/s).',
      ],
      ['Calculate the result of 15 * 23 + 47', {}, '15 * 23 + 47 = 392.'],
      [
        "Add an event to my calendar for tomorrow at 2 PM titled 'Team Meeting'",
        {},
        'Added "Team Meeting" on 2026-11-22 at 14:00.',
      ],
      [
        "Translate 'Hello, how are you?' to Spanish",
        {
          translate: {
            body: {
              text: 'Hello, how are you?',
              translation: 'Hola, ¿cómo estás?',
              source_language: 'en',
              target_language: 'es',
              method: 'phrase',
            },
          },
        },
        '"Hello, how are you?" in Spanish is "Hola, ¿cómo estás?".',
      ],
      [
        "What's on my calendar tomorrow?",
        {
          get_events: {
            body: {
              date: '2026-11-22',
              events: [
                { id: 'evt_1', title: 'Standup', date: '2026-11-22', time: '09:00' },
                { id: 'evt_2', title: 'Team Meeting', date: '2026-11-22', time: '14:00' },
              ],
            },
          },
        },
        'You have 2 events on 2026-11-22: "Standup" at 09:00 and "Team Meeting" at 14:00.',
      ],
      [
        "What's on my calendar tomorrow?",
        { get_events: { body: { date: '2026-11-22', events: [] } } },
        'You have nothing on your calendar on 2026-11-22.',
      ],
      [
        'Delete all events on December 1st',
        { delete_events: { body: { date: '2026-12-01', deleted: 0 } } },
        'There was nothing to delete on 2026-12-01.',
      ],
      [
        'Delete all events on December 1st',
        { delete_events: { body: { date: '2026-12-01', deleted: 1 } } },
        'Deleted 1 event on 2026-12-01.',
      ],
      ['Send a message to Alice saying the deploy went fine', {}, 'Sent to Alice: "the deploy went fine".'],
      [
        'Read my latest message',
        {},
        'Your latest message is from alice@example.com (2026-11-21 08:25 UTC): "Are we still on for lunch on Friday?"',
      ],
      ['Do I have any messages from Zed?', {}, 'You have no messages from Zed in your inbox.'],
      [
        'Search for information about chaos engineering',
        {
          search_web: {
            body: {
              query: 'chaos engineering',
              total: 1,
              results: [
                {
                  title: 'Principles of Chaos',
                  url: 'https://principlesofchaos.org',
                  snippet: 'Build confidence in system behaviour.',
                  score: 2,
                },
              ],
            },
          },
        },
        'Here is what I found for "chaos engineering":\n1. Principles of Chaos: Build confidence in system behaviour. (https://principlesofchaos.org)',
      ],
      [
        'Search for information about nothing at all',
        { search_web: { body: { query: 'nothing at all', total: 0, results: [] } } },
        'The web search for "nothing at all" found nothing.',
      ],
      [
        'Tell me about the movie Inception',
        {
          search_movie: {
            body: {
              query: 'Inception',
              page: 1,
              per_page: 10,
              total_results: 1,
              total_pages: 1,
              results: [
                {
                  name: 'Inception',
                  original_name: 'Inception',
                  year: 2010,
                  genres: ['Action', 'Science Fiction'],
                  language: 'en',
                  overview: 'A thief who steals secrets through dreams.',
                },
              ],
            },
          },
        },
        'I found 1 film matching "Inception": Inception (2010; Action, Science Fiction): A thief who steals secrets through dreams.',
      ],
      [
        'Find the film Nonexistent',
        {
          search_movie: {
            body: { query: 'Nonexistent', page: 1, per_page: 10, total_results: 0, total_pages: 0, results: [] },
          },
        },
        'I found no films matching "Nonexistent".',
      ],
    ];
    for (const [prompt, overrides, expected] of cases) {
      const { answer } = await converse(prompt, replies(overrides));
      assert.equal(answer, expected, prompt);
    }
  });

  it('lists several films and notes pages and original titles', async () => {
    const film = (name: string, original: string, year: number) => ({
      name,
      original_name: original,
      year,
      genres: ['Drama'],
      language: 'ja',
      overview: `${name} overview.`,
    });
    const { answer } = await converse(
      'Find Japanese films about samurai',
      replies({
        search_movie: {
          body: {
            query: 'samurai',
            page: 1,
            per_page: 2,
            total_results: 3,
            total_pages: 2,
            results: [film('Seven Samurai', '七人の侍', 1954), film('Samurai Rebellion', '上意討ち', 1967)],
          },
        },
      }),
    );
    assert.equal(
      answer,
      'I found 3 films matching "samurai" in Japanese (page 1 of 2):\n1. Seven Samurai (1954; original title "七人の侍"; Drama): Seven Samurai overview.\n2. Samurai Rebellion (1967; original title "上意討ち"; Drama)',
    );
  });

  it('says plainly when a tool failed, with the reason, and invents nothing', async () => {
    const cases: Array<[string, Record<string, Reply>, string]> = [
      [
        "What's the weather in Paris?",
        {
          get_weather: {
            error:
              'get_weather failed: the weather service gave no result after 2 attempts (through its proxy, then directly); last error: timeout after 5000 ms',
          },
        },
        'I could not get the weather for Paris: the weather service gave no result after 2 attempts (through its proxy, then directly); last error: timeout after 5000 ms.',
      ],
      [
        "What's the weather in Atlantis?",
        { get_weather: { error: 'get_weather was refused by the weather service: unknown city: Atlantis' } },
        'I could not get the weather for Atlantis: the weather service said: unknown city: Atlantis.',
      ],
      [
        "What's the weather in Atlantis?",
        { get_weather: { body: { error: 'unknown city: Atlantis' } } },
        'I could not get the weather for Atlantis: unknown city: Atlantis.',
      ],
      [
        'Calculate 1 / 0',
        { calculate: { error: 'Error: expression result is not a finite number\n Please fix your mistakes.' } },
        'I could not calculate 1 / 0: expression result is not a finite number.',
      ],
      [
        'Check my inbox',
        { read_inbox: { body: { error: 'service unavailable', simulated: true } } },
        'I could not read your inbox: service unavailable.',
      ],
      [
        "What's the weather in Paris?",
        { get_weather: { body: { hello: 'world' } } },
        'The weather service answered, but not in a form I can read: {"hello":"world"}',
      ],
    ];
    for (const [prompt, overrides, expected] of cases) {
      const { answer } = await converse(prompt, replies(overrides));
      assert.equal(answer, expected, prompt);
      assert.doesNotMatch(answer, /°C|= \d/, 'no result is made up');
    }
  });

  it('reports the part that failed and keeps the parts that worked', async () => {
    const { answer } = await converse(
      "What's the weather in Paris and translate 'good morning' into French",
      replies({
        get_weather: {
          error:
            'get_weather failed: the weather service gave no result after 1 attempt through its proxy; last error: connection refused',
        },
      }),
    );
    assert.equal(
      answer,
      'I could not get the weather for Paris: the weather service gave no result after 1 attempt through its proxy; last error: connection refused.\n"good morning" in French is "<fr> good morning".',
    );
  });

  it('does not make a dependent call when the step it depends on failed', async () => {
    const { rounds, answer } = await converse(
      'Calculate 1250 * 12 and send the result to Dave',
      replies({
        calculate: {
          error: 'calculate failed: the calculator service gave no result after 3 attempts; last error: reset',
        },
      }),
    );
    assert.deepEqual(
      rounds.map((r) => r.map((c) => c.name)),
      [['calculate']],
    );
    assert.equal(
      answer,
      'I could not calculate 1250 * 12: the calculator service gave no result after 3 attempts; last error: reset.\nI did not send anything to Dave, because there was no result to pass on.',
    );
    const inbox = await converse(
      'Read my latest message and translate it into Spanish',
      replies({ read_inbox: { error: 'read_inbox failed: timeout' } }),
    );
    assert.deepEqual(
      inbox.rounds.map((r) => r.map((c) => c.name)),
      [['read_inbox']],
    );
    assert.match(inbox.answer, /^I could not read your inbox: timeout\.\nI did not translate the earlier result/);
  });

  it('treats a tool call that got no ToolMessage as failed', async () => {
    const model = offlineModel().bindTools(standInTools());
    const first = (await model.invoke([new HumanMessage('What is 2 + 2?')])) as AIMessage;
    const answer = (await model.invoke([new HumanMessage('What is 2 + 2?'), first])) as AIMessage;
    assert.equal(answer.content, 'I could not calculate 2 + 2: no result came back.');
  });

  it('only calls the tools it was given, and says which are missing', async () => {
    const { rounds, answer } = await converse(
      "What's the weather in Paris and translate 'good morning' into French",
      cannedReply,
      standInTools(['get_weather']),
    );
    assert.deepEqual(rounds, [[{ name: 'get_weather', args: { city: 'Paris' } }]]);
    assert.match(
      answer,
      /^It is 18\.2 °C and partly cloudy in Paris .*\nI could not translate "good morning" into French: no translate tool is available to me\.$/s,
    );
    const unbound = (await new OfflineChatModel().invoke([new HumanMessage('What is 2 + 2?')])) as AIMessage;
    assert.deepEqual(unbound.tool_calls, []);
    assert.equal(unbound.content, 'I could not calculate 2 + 2: no calculate tool is available to me.');
  });

  it('answers the latest human message and ignores earlier turns', async () => {
    const model = offlineModel().bindTools(standInTools());
    const reply = (await model.invoke([
      new HumanMessage('What is 2 + 2?'),
      new AIMessage({
        content: '',
        tool_calls: [{ id: 'old', name: 'calculate', args: { expression: '2 + 2' }, type: 'tool_call' }],
      }),
      new ToolMessage({ tool_call_id: 'old', content: '{"expression":"2 + 2","result":4}' }),
      new AIMessage('2 + 2 = 4.'),
      new HumanMessage('And the weather in Oslo?'),
    ])) as AIMessage;
    assert.deepEqual(
      reply.tool_calls?.map((c) => [c.name, c.args]),
      [['get_weather', { city: 'Oslo' }]],
    );
  });
});
