import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AIMessage } from '@langchain/core/messages';
import { UNHANDLED_KEY } from '../src/unhandled.js';
import { type Call, type Reply, cannedReply, converse } from './support/offline.js';

/** The final message's unhandled mark (what the model said it could not do), if any. */
async function run(prompt: string, reply: (call: Call) => Reply = cannedReply) {
  const conversation = await converse(prompt, reply);
  return {
    ...conversation,
    unhandled: (conversation.messages.at(-1) as AIMessage).response_metadata?.[UNHANDLED_KEY] as string | undefined,
  };
}

const film = (overrides: Record<string, unknown>) => ({
  body: {
    query: 'x',
    page: 1,
    per_page: 10,
    total_results: 1,
    total_pages: 1,
    results: [
      {
        name: 'The Godfather',
        original_name: 'The Godfather',
        year: 1972,
        genres: ['Crime'],
        language: 'en',
        overview: '…',
        ...overrides,
      },
    ],
  },
});

describe("offline model: prompts it cannot fully answer, and never another tool's output as the answer", () => {
  it('"Who directed X?" looks the film up and answers from its data, or says it cannot tell', async () => {
    const withDirector = await run('Who directed The Godfather?', () => film({ director: 'Francis Ford Coppola' }));
    assert.deepEqual(withDirector.rounds, [[{ name: 'search_movie', args: { query: 'The Godfather' } }]]);
    assert.equal(withDirector.answer, 'The Godfather (1972) was directed by Francis Ford Coppola.');
    assert.equal(withDirector.unhandled, undefined);

    const without = await run('Who directed The Godfather?', () => film({}));
    assert.equal(
      without.answer,
      'I found The Godfather (1972), but the movie service does not say who directed it, so I cannot tell you.',
    );
    assert.equal(without.unhandled, without.answer);

    const other = await run('Who was the director of the film Heat?', () => film({}));
    assert.deepEqual(other.rounds, [[{ name: 'search_movie', args: { query: 'Heat' } }]]);
    assert.match(
      other.answer,
      /^I found no film called "Heat"/,
      'an unrelated film the search returned is never the answer',
    );
    assert.ok(other.unhandled);
  });

  it('"When was X released?" answers the year from the movie service', async () => {
    const year = await run('When was The Godfather released?', () => film({}));
    assert.deepEqual(
      [year.rounds, year.answer, year.unhandled],
      [[[{ name: 'search_movie', args: { query: 'The Godfather' } }]], 'The Godfather came out in 1972.', undefined],
    );
  });

  it('tips, discounts, shares and percentages of amounts are calculated on the amount', async () => {
    const cases: Array<[string, string]> = [
      ['How much is an 18% tip on a 64.50 bill?', '64.50 * 18 / 100'],
      ['What is a 20 percent tip on $45?', '45 * 20 / 100'],
      ['What would a tip of 15% on 80 be?', '80 * 15 / 100'],
      ["What's 15% off 80 dollars?", '80 - 80 * 15 / 100'],
      ['Split a 90 euro bill between 4 people', '90 / 4'],
      ["What's the tip on 50 at 20 percent?", '50 * 20 / 100'],
    ];
    for (const [prompt, expression] of cases) {
      const { rounds } = await run(prompt, (call) => ({ body: { expression: call.args.expression, result: 1 } }));
      assert.deepEqual(rounds, [[{ name: 'calculate', args: { expression } }]], prompt);
    }
  });

  it('"did X write to me" reads the inbox filtered by sender', async () => {
    for (const prompt of [
      'Did Alice write to me?',
      'Has Alice written to me?',
      'Any messages from Alice?',
      'Did I get a message from Alice?',
      'Did Alice reply?',
      'What did Alice say?',
    ]) {
      const { rounds, answer, unhandled } = await run(prompt);
      assert.deepEqual(rounds, [[{ name: 'read_inbox', args: {} }]], prompt);
      assert.match(answer, /^You have 1 message from Alice, newest first:\n- From alice@example\.com/, prompt);
      assert.equal(unhandled, undefined);
    }
    // "Who wrote Hamlet?" is not a question about the inbox.
    const hamlet = await run('Who wrote Hamlet?');
    assert.deepEqual(hamlet.rounds, [[{ name: 'search_web', args: { query: 'Who wrote Hamlet' } }]]);
  });

  it('"book lunch with X on DAY at TIME" adds a calendar event; booking a table is not one', async () => {
    const lunch = await run('Book lunch with Maria this Thursday at 12:30');
    assert.deepEqual(lunch.rounds, [
      [{ name: 'add_event', args: { title: 'Lunch with Maria', date: '2026-11-26', time: '12:30' } }],
    ]);
    const dinner = await run('Book dinner with Sam on Friday at 7pm');
    assert.deepEqual(dinner.rounds, [
      [{ name: 'add_event', args: { title: 'Dinner with Sam', date: '2026-11-27', time: '19:00' } }],
    ]);
    const table = await run('Book a table for two on Friday');
    assert.deepEqual(table.rounds, []);
    assert.ok(table.unhandled, 'what it cannot do is marked');
  });

  it('"check A and text it to B" passes the result on', async () => {
    const { rounds, answer } = await run('Check the weather in Paris and text it to Bob');
    assert.equal(rounds.length, 2);
    assert.deepEqual(rounds[0], [{ name: 'get_weather', args: { city: 'Paris' } }]);
    assert.deepEqual(rounds[1], [
      {
        name: 'send_message',
        args: {
          to: 'Bob',
          body: 'It is 18.2 °C and partly cloudy in Paris (feels like 17.5 °C, humidity 63 %, wind 4.1 m/s).',
        },
      },
    ]);
    assert.match(answer, /\nSent to Bob: "It is 18\.2 °C/);
    const forward = await run('Look up the circuit breaker pattern and forward it to Alice');
    assert.deepEqual(
      forward.rounds[1]?.map((c) => [c.name, c.args.to]),
      [['send_message', 'Alice']],
    );
  });

  it('"check if it is sunny in A and tell B" passes the result on; "what\'s on TV" is not a calendar question', async () => {
    const sunny = await run("Can you check if it's sunny in Madrid and tell Alice?");
    assert.deepEqual(
      sunny.rounds.map((r) => r.map((c) => c.name)),
      [['get_weather'], ['send_message']],
    );
    assert.match(String(sunny.rounds[1]![0]!.args.body), /^It is 18\.2 °C and partly cloudy in Madrid/);
    const tv = await run("What's on TV tonight?");
    assert.notDeepEqual(tv.rounds[0]?.[0]?.name, 'get_events');
    const plans = await run('What are my plans for Friday?');
    assert.deepEqual(plans.rounds, [[{ name: 'get_events', args: { date: '2026-11-27' } }]]);
  });

  it('a "when" question is not answered by a result without a date or number', async () => {
    const definition = () => ({
      body: {
        query: 'q',
        total: 1,
        results: [
          {
            title: 'Game days',
            url: 'https://example.com/',
            snippet: 'A game day is a planned event where a team injects failures.',
            score: 1,
          },
        ],
      },
    });
    const when = await run('When does the game day start?', definition);
    assert.equal(
      when.answer,
      'I could not find an answer: the web search for "When does the game day start" found nothing about it.',
    );
    assert.ok(when.unhandled);
  });

  it('a question the web search does not answer is said to be unanswered, not answered with other results', async () => {
    const offTopic = () => ({
      body: {
        query: 'q',
        total: 1,
        results: [
          { title: 'Git', url: 'https://git-scm.com/', snippet: 'Commits form a directed acyclic graph.', score: 1 },
        ],
      },
    });
    const question = await run('Who starred in Inception?', offTopic);
    assert.equal(
      question.answer,
      'I could not find an answer: the web search for "Who starred in Inception" found nothing about it.',
    );
    assert.equal(question.unhandled, question.answer);
    // An asked-for search that finds nothing on the topic has its answer: it found nothing.
    const search = await run('Search for inception cast', offTopic);
    assert.deepEqual(
      [search.answer, search.unhandled],
      ['The web search for "inception cast" found nothing about it.', undefined],
    );
  });

  it('never calculates only part of a question, nor passes the weather now off as a forecast', async () => {
    const partial = await run('What is 15% of the 200 we owe for 3 nights?', (call) => ({
      body: { expression: call.args.expression, result: 30 },
    }));
    assert.deepEqual(partial.rounds, []);
    assert.equal(
      partial.answer,
      'I could not tell how to calculate "What is 15% of the 200 we owe for 3 nights?": the calculation I can read, 15 / 100, leaves out 200 and 3.',
    );
    assert.equal(partial.unhandled, partial.answer);
    const tomorrow = await run('Is it going to rain tomorrow in London?');
    assert.deepEqual(tomorrow.rounds, [[{ name: 'get_weather', args: { city: 'London' } }]]);
    assert.match(
      tomorrow.answer,
      /in London .*\nI can only tell the weather now: the weather service gives no forecast for tomorrow\.$/,
    );
    assert.equal(
      tomorrow.unhandled,
      'I can only tell the weather now: the weather service gives no forecast for tomorrow.',
    );
  });

  it('marks every answer with a part it could not do: no route, a missing detail, a refused call', async () => {
    const none = await run('Sing me a song');
    assert.match(none.answer, /^Sorry, I could not work out what to do with that/);
    assert.equal(none.unhandled, 'no tool of mine fits the prompt');
    const noCity = await run('What is the weather like?');
    assert.equal(noCity.unhandled, 'I could not tell which city you want the weather for; please name one.');
    const refused = await run('What is the weather in Atlantis?', () => ({
      error: 'get_weather was refused by the weather service: HTTP 404: unknown city: Atlantis',
    }));
    assert.equal(
      refused.answer,
      'I could not get the weather for Atlantis: the weather service said: HTTP 404: unknown city: Atlantis.',
    );
    assert.equal(refused.unhandled, refused.answer);
    const fine = await run("What's the weather in Paris?");
    assert.equal(fine.unhandled, undefined);
  });
});
