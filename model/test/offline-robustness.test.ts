/**
 * Prompts nobody here wrote: odd casing, extra words, emoji, requests with missing pieces, unknown
 * things and tools the lab does not have. The model must never crash, never call a tool with invented
 * arguments (no day for a delete, no recipient for a message), and say politely what it could not do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cannedReply, converse, type Call, type Reply } from './support/offline.js';

const names = (rounds: Call[][]): string[] => rounds.flat().map((c) => c.name);

describe('offline model robustness', () => {
  it('routes prompts in odd casing, with extra words, emoji and smart quotes', async () => {
    const cases: Array<[string, Call[]]> = [
      ["WHAT'S THE WEATHER IN PARIS??", [{ name: 'get_weather', args: { city: 'Paris' } }]],
      [
        'hey there, could you please tell me what the weather is like over in Berlin at the moment, thanks!',
        [{ name: 'get_weather', args: { city: 'Berlin' } }],
      ],
      ['🌧️ is it going to rain in Dublin? ☔', [{ name: 'get_weather', args: { city: 'Dublin' } }]],
      [
        'Translate “good luck” into italian please',
        [{ name: 'translate', args: { text: 'good luck', source_language: 'auto', target_language: 'it' } }],
      ],
      ['CALCULATE 2+2', [{ name: 'calculate', args: { expression: '2 + 2' } }]],
      [
        'what is two thousand and twenty-four minus nineteen hundred',
        [{ name: 'calculate', args: { expression: '2024 - 1900' } }],
      ],
      [
        'email alice@example.com saying the report is ready',
        [{ name: 'send_message', args: { to: 'alice@example.com', body: 'the report is ready' } }],
      ],
      [
        'Can you text mom that I landed safely?',
        [{ name: 'send_message', args: { to: 'mom', body: 'I landed safely' } }],
      ],
      ["Is there a movie called 'Cold War'?", [{ name: 'search_movie', args: { query: 'Cold War' } }]],
      ['read inbox', [{ name: 'read_inbox', args: {} }]],
    ];
    for (const [prompt, expected] of cases) {
      const { rounds } = await converse(prompt, cannedReply);
      assert.deepEqual(rounds, [expected], prompt);
    }
  });

  it('understands everyday phrasings of each request', async () => {
    const cases: Array<[string, Call[]]> = [
      ["What's the forecast for Chicago tomorrow?", [{ name: 'get_weather', args: { city: 'Chicago' } }]],
      ['How hot is it in Dubai?', [{ name: 'get_weather', args: { city: 'Dubai' } }]],
      ['paris weather', [{ name: 'get_weather', args: { city: 'Paris' } }]],
      ['Divide 100 by 8', [{ name: 'calculate', args: { expression: '100 / 8' } }]],
      ['How much is 15% of 200?', [{ name: 'calculate', args: { expression: '15 / 100 * 200' } }]],
      ['Google the CAP theorem', [{ name: 'search_web', args: { query: 'CAP theorem' } }]],
      ['Can you find info on exponential backoff?', [{ name: 'search_web', args: { query: 'exponential backoff' } }]],
      ['Any French films called Amélie?', [{ name: 'search_movie', args: { query: 'Amélie', language: 'fr' } }]],
      ['Show me page 2 of the Godfather films', [{ name: 'search_movie', args: { query: 'the Godfather', page: 2 } }]],
      ['What do I have on Monday?', [{ name: 'get_events', args: { date: '2026-11-23' } }]],
      ['Am I free on Friday?', [{ name: 'get_events', args: { date: '2026-11-27' } }]],
      ['Cancel my meetings tomorrow', [{ name: 'delete_events', args: { date: '2026-11-22' } }]],
      [
        'Set up a meeting with the team next Tuesday at 10am',
        [{ name: 'add_event', args: { title: 'Meeting with the team', date: '2026-11-24', time: '10:00' } }],
      ],
      ['Send Bob a text saying hi', [{ name: 'send_message', args: { to: 'Bob', body: 'hi' } }]],
      ["Let Alice know I'm on my way", [{ name: 'send_message', args: { to: 'Alice', body: "I'm on my way" } }]],
      [
        'Ask Bob if he wants pizza tonight',
        [{ name: 'send_message', args: { to: 'Bob', body: 'Do you want pizza tonight?' } }],
      ],
      ['Any new emails?', [{ name: 'read_inbox', args: {} }]],
      [
        "What does 'merci' mean?",
        [{ name: 'translate', args: { text: 'merci', source_language: 'auto', target_language: 'en' } }],
      ],
      [
        'Say hello in Italian',
        [{ name: 'translate', args: { text: 'hello', source_language: 'auto', target_language: 'it' } }],
      ],
    ];
    for (const [prompt, expected] of cases) {
      const { rounds } = await converse(prompt, cannedReply);
      assert.deepEqual(rounds, [expected], prompt);
    }
    const fromBob = await converse('What did Bob send me?', cannedReply);
    assert.match(fromBob.answer, /^You have 1 message from Bob, newest first:\n- From bob@example\.com/);
  });

  it('handles a long prompt with several requests in one go', async () => {
    const { rounds, answer } = await converse(
      "Please add lunch with Sarah to my calendar on Friday at noon and then text Sarah that lunch is booked. Also find me some information on the history of the internet, translate 'thank you very much' to Portuguese, and what's 7 times 8?",
      cannedReply,
    );
    assert.deepEqual(names(rounds), ['add_event', 'send_message', 'search_web', 'translate', 'calculate']);
    assert.deepEqual(rounds[0][0].args, { title: 'Lunch with Sarah', date: '2026-11-27', time: '12:00' });
    assert.match(
      answer,
      /Added "Lunch with Sarah".*\nSent to Sarah: "lunch is booked"\..*\n.*history of the internet.*\n"thank you very much" in Portuguese.*\n7 \* 8 = 56\.$/s,
    );
  });

  it('asks for what is missing instead of calling a tool with made-up arguments', async () => {
    const cases: Array<[string, RegExp]> = [
      ['Delete my events', /^I did not delete any events: please tell me which day to clear\.$/],
      ['Clear my schedule', /^I did not delete any events/],
      ["What's the weather like?", /^I could not tell which city you want the weather for/],
      ['Send a message', /^I did not send a message: I could not tell who it is for\.$/],
      ['Text Bob', /^I did not send a message to Bob: you did not say what it should say\.$/],
      ['Send it to Bob', /^I did not send a message to Bob: there was no earlier result to pass on\.$/],
      ['Translate to French', /^I did not translate anything: I could not tell which text you meant/],
      ['Schedule a call', /^I did not add "Call" to your calendar: please tell me the day and time\.$/],
      ['What movies are there in Korean?', /^I could not tell which film in Korean to look for/],
      [
        'Calculate the area of a circle with radius 5',
        /^I could not find a calculation to do in "Calculate the area of a circle with radius 5"\.$/,
      ],
    ];
    for (const [prompt, expected] of cases) {
      const { rounds, answer } = await converse(prompt, cannedReply);
      assert.deepEqual(rounds, [], prompt);
      assert.match(answer, expected, prompt);
    }
  });

  it('answers politely what it cannot do, and never crashes on empty or meaningless prompts', async () => {
    for (const prompt of ['Book me a flight to Mars', 'asdf qwerty zxcv', 'thanks!']) {
      const { rounds, answer } = await converse(prompt, cannedReply);
      assert.deepEqual(rounds, [], prompt);
      assert.match(
        answer,
        /^Sorry, I could not work out what to do with that\. I am an offline model; I can give the current weather in a city, .* and translate text\.$/,
        prompt,
      );
    }
    // What no tool can do is named, rather than searched for on the web.
    const unsupported: Array<[string, string]> = [
      ['Order a pizza', 'order things'],
      ['What time is it in Tokyo?', 'tell the time or the date'],
      ["What's 10 dollars in euros?", 'convert units or currencies'],
      ['Set an alarm for 7am', 'set alarms or timers'],
    ];
    for (const [prompt, ability] of unsupported) {
      const { rounds, answer } = await converse(prompt, cannedReply);
      assert.deepEqual(rounds, [], prompt);
      assert.equal(answer, `I could not answer "${prompt.replace(/[?]$/, '')}": none of my tools can ${ability}.`);
    }
    for (const prompt of ['', '   ']) {
      const { rounds, answer } = await converse(prompt, cannedReply);
      assert.deepEqual(rounds, []);
      assert.equal(answer, 'I did not receive a question to answer.');
    }
  });

  it('tries an unknown city and reports the service 404 honestly', async () => {
    const reply = (call: Call): Reply =>
      call.name === 'get_weather' && call.args.city === 'Atlantis'
        ? { error: 'get_weather was refused by the weather service: unknown city: Atlantis' }
        : cannedReply(call);
    const { rounds, answer } = await converse('How is the weather in Atlantis and in Oslo?', reply);
    assert.deepEqual(rounds, [
      [
        { name: 'get_weather', args: { city: 'Atlantis' } },
        { name: 'get_weather', args: { city: 'Oslo' } },
      ],
    ]);
    assert.match(
      answer,
      /^I could not get the weather for Atlantis: the weather service said: unknown city: Atlantis\.\nIt is 18\.2 °C and partly cloudy in Oslo/,
    );
  });

  it('passes an unknown language on, so the translator can say what it supports', async () => {
    const reply = (call: Call): Reply =>
      call.name === 'translate'
        ? {
            error:
              'translate was refused by the translator service: unknown target_language "Klingon"; supported: en, es, fr, de, it, pt',
          }
        : cannedReply(call);
    const { rounds, answer } = await converse("Translate 'Hello' to Klingon", reply);
    assert.deepEqual(rounds, [
      [{ name: 'translate', args: { text: 'Hello', source_language: 'auto', target_language: 'Klingon' } }],
    ]);
    assert.equal(
      answer,
      'I could not translate "Hello" into Klingon: the translator service said: unknown target_language "Klingon"; supported: en, es, fr, de, it, pt.',
    );
  });

  it('chooses a time when only a day is given, and says so', async () => {
    const { rounds, answer } = await converse("Add Mom's birthday to my calendar on December 5", cannedReply);
    assert.deepEqual(rounds, [
      [{ name: 'add_event', args: { title: "Mom's birthday", date: '2026-12-05', time: '09:00' } }],
    ]);
    assert.equal(answer, 'Added "Mom\'s birthday" on 2026-12-05 at 09:00. You gave no time, so I chose 09:00.');
  });
});
