import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AIMessage } from '@langchain/core/messages';
import { type AnswerToJudge, judge, readsAsRefusal, unhandledNote } from '../src/verdicts/verdict.js';
import { type Expectation, parseExpectation } from '../src/verdicts/verdict-expectation.js';

/** Parses an expectation as the prompts file would (so tests use the user's shapes). */
function expectation(value: unknown): Expectation {
  const parsed = parseExpectation(value);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.expectation;
}

const weather: AnswerToJudge = {
  answer: 'It is 8.6 °C and cloudy in London (feels like 3.7 °C).',
  calls: [{ tool: 'get_weather', args: { city: 'london' } }],
};

describe('judge', () => {
  it('is unchecked without an expectation, and says so', () => {
    assert.deepEqual(judge(undefined, weather), { status: 'unchecked', verdict: 'not checked' });
  });

  it('is correct when every field holds: tools with arguments (ignoring case), contains, any, matches, excludes', () => {
    const e = expectation({
      tools: [{ tool: 'get_weather', args: { city: 'London' } }],
      contains: ['london', '°C'],
      any: ['rain', 'cloudy'],
      matches: '-?\\d+(\\.\\d+)? °C',
      excludes: ['Wikipedia'],
    });
    assert.deepEqual(judge(e, weather), { status: 'correct', verdict: 'every expectation met' });
  });

  it('is wrong naming every field not met, with the calls that were made', () => {
    const e = expectation({
      tools: [{ tool: 'get_weather', args: { city: 'Paris' } }, 'send_message'],
      contains: ['Paris'],
      any: ['rain', 'snow'],
      matches: '^Paris',
      excludes: ['cloudy'],
    });
    const verdict = judge(e, weather);
    assert.equal(verdict.status, 'wrong');
    assert.deepEqual(verdict.verdict.split('; '), [
      'expected a call get_weather(city: "Paris") (calls made: get_weather(city: "london"))',
      'expected a call send_message() (calls made: get_weather(city: "london"))',
      'the answer does not contain "Paris"',
      'the answer contains none of "rain", "snow"',
      'the answer does not match /^Paris/i',
      'the answer contains "cloudy", which it must not',
    ]);
  });

  it('says when no tool was called', () => {
    assert.equal(
      judge(expectation({ tools: ['calculate'] }), { answer: '392', calls: [] }).verdict,
      'expected a call calculate() (no tool was called)',
    );
  });

  it('matches string arguments by containment and numbers by value', () => {
    const calls = [{ tool: 'search_movie', args: { query: 'The Matrix', per_page: 3 } }];
    assert.equal(
      judge(expectation({ tools: [{ tool: 'search_movie', args: { query: 'matrix', per_page: 3 } }] }), {
        answer: 'The Matrix (1999)',
        calls,
      }).status,
      'correct',
    );
    assert.equal(
      judge(expectation({ tools: [{ tool: 'search_movie', args: { per_page: 5 } }] }), {
        answer: 'The Matrix (1999)',
        calls,
      }).status,
      'wrong',
    );
    assert.equal(
      judge(expectation({ tools: [{ tool: 'search_movie', args: { language: 'ja' } }] }), {
        answer: 'The Matrix (1999)',
        calls,
      }).status,
      'wrong',
      'an argument not given never matches',
    );
  });

  it('an answer the model marked unhandled is unhandled, never correct, even when its text would pass', () => {
    const marked = {
      answer: 'I found The Godfather (1972), but the movie service does not say who directed it.',
      calls: [{ tool: 'search_movie', args: { query: 'The Godfather' } }],
      unhandled: 'no director in the data',
    };
    assert.deepEqual(judge(expectation({ contains: ['Godfather'] }), marked), {
      status: 'unhandled',
      verdict: 'the model could not handle the prompt: no director in the data',
    });
    assert.equal(judge(undefined, marked).status, 'unhandled', 'also without an expectation');
  });

  it("a refusal is correct only when expected: marked by the model, or read from a hosted model's words", () => {
    const refusal = expectation({ refusal: true, contains: ['Atlantis'] });
    assert.equal(
      judge(refusal, {
        answer: 'I could not get the weather for Atlantis: unknown city.',
        calls: [],
        unhandled: 'unknown city',
      }).status,
      'correct',
    );
    assert.equal(
      judge(refusal, { answer: "Sorry, I can't find a city called Atlantis.", calls: [] }).status,
      'correct',
    );
    const answered = judge(refusal, { answer: 'It is 20 °C in Atlantis.', calls: [] });
    assert.deepEqual(answered, {
      status: 'wrong',
      verdict: 'expected an honest refusal ("I can\'t …"), got an answer',
    });
    // A hosted model's "I can't" where an answer was expected is wrong (only the offline model marks unhandled).
    const hosted = judge(expectation({ contains: ['Paris'] }), {
      answer: 'I could not get the weather for Paris right now.',
      calls: [],
    });
    assert.deepEqual(hosted, {
      status: 'wrong',
      verdict: 'the answer says it could not do what was asked, where an answer was expected',
    });
  });
});

describe('readsAsRefusal', () => {
  it('reads a line that opens with an "I can\'t"', () => {
    for (const answer of [
      "I can't do that.",
      'Sorry, I could not find it.',
      "I'm sorry, but I cannot help.",
      'Unfortunately I am unable to check.',
      "I don't know who directed it.",
      'It is 5 °C in Oslo.\nI did not send a message: no recipient.',
    ]) {
      assert.ok(readsAsRefusal(answer), answer);
    }
  });
  it('does not read quoted words or answers as refusals', () => {
    for (const answer of [
      'Your latest message is from bob: "I can\'t make it".',
      'It is 5 °C in Oslo.',
      'Sent to Bob: "I could not agree more".',
    ]) {
      assert.ok(!readsAsRefusal(answer), answer);
    }
  });
});

describe('unhandledNote', () => {
  it('reads the mark the offline model puts on its final message', () => {
    assert.equal(
      unhandledNote(new AIMessage({ content: 'x', response_metadata: { unhandled: ' no route ' } })),
      'no route',
    );
    assert.equal(unhandledNote(new AIMessage('x')), undefined);
    assert.equal(unhandledNote(new AIMessage({ content: 'x', response_metadata: { unhandled: '' } })), undefined);
  });
});
