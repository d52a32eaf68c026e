import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from './support/test-service.js';

/** The shipped dictionary, read independently of the service, to check answers against. */
const shipped = JSON.parse(readFileSync(new URL('../data/translations.json', import.meta.url), 'utf8')) as {
  languages: Record<string, string>;
  phrases: Record<string, string>[];
  words: Record<string, string>[];
};
const codes = Object.keys(shipped.languages);
const phrase = (en: string) => shipped.phrases.find((row) => row.en === en) as Record<string, string>;
const word = (en: string) => shipped.words.find((row) => row.en === en) as Record<string, string>;

describe('translator service', () => {
  let translator: TestService;
  before(async () => {
    translator = await startTestService('translator');
  });
  after(() => translator.close());

  const translate = (body: Record<string, unknown>) => translator.send('POST', '/translate', body);

  it('supports at least English, Spanish, French, German, Italian and Portuguese', () => {
    for (const code of ['en', 'es', 'fr', 'de', 'it', 'pt']) assert.ok(codes.includes(code), code);
  });

  it('translates a known phrase between every pair of languages', async () => {
    const row = phrase('Hello, how are you?');
    assert.ok(row, 'the dictionary has "Hello, how are you?"');
    for (const from of codes) {
      for (const to of codes) {
        const res = await translate({
          text: row[from],
          source_language: from,
          target_language: to,
          request_id: `p-${from}-${to}`,
        });
        assert.equal(res.status, 200, `${from}→${to}`);
        assert.deepEqual(
          res.body,
          { text: row[from], translation: row[to], source_language: from, target_language: to, method: 'phrase' },
          `${from}→${to}`,
        );
      }
    }
  });

  it('matches phrases whatever the case, accents and punctuation', async () => {
    const row = phrase('Hello, how are you?');
    const res = await translate({ text: 'hello how are you', source_language: 'en', target_language: 'es' });
    assert.equal(res.body.translation, row.es);
    assert.equal(res.body.method, 'phrase');
    const shouted = await translate({ text: 'THANK YOU', source_language: 'en', target_language: 'es' });
    assert.equal(shouted.body.translation, phrase('Thank you').es.toUpperCase());
  });

  it('translates word by word where no phrase matches, keeping punctuation, capitals and unknown words', async () => {
    const [house, big, cat] = [word('house'), word('big'), word('cat')];
    const res = await translate({ text: 'House, big cat! Zorblax 42.', source_language: 'en', target_language: 'es' });
    assert.equal(res.status, 200);
    const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    assert.equal(res.body.translation, `${capital(house.es)}, ${big.es} ${cat.es}! Zorblax 42.`);
    assert.equal(res.body.method, 'word-by-word');
  });

  it('keeps words apart that differ only by an accent, and still matches a word typed without one', async () => {
    const cases: Array<[string, string, string]> = [
      ['it', `${word('is').it} ${word('and').it}`, 'is and'], // "è e"
      ['es', `${word('yes').es} ${word('if').es}`, 'yes if'], // "sí si"
      ['es', 'cancion', 'song'], // "canción" typed without its accent
    ];
    for (const [from, text, expected] of cases) {
      const res = await translate({ text, source_language: from, target_language: 'en' });
      assert.equal(res.status, 200);
      assert.equal(res.body.translation, expected, `${from}: ${text}`);
    }
  });

  it('says word-by-word when only some sentences are known phrases', async () => {
    const hello = phrase('Hello, how are you?');
    const res = await translate({ text: `${hello.en} The cat.`, source_language: 'en', target_language: 'fr' });
    assert.ok(res.body.translation.startsWith(`${hello.fr} `), res.body.translation);
    assert.equal(res.body.method, 'word-by-word');
  });

  it('takes English language names in any case, and answers with codes', async () => {
    const row = phrase('Thank you');
    for (const [source, target] of [
      ['English', 'Spanish'],
      ['english', 'SPANISH'],
      ['EN', 'es'],
      [' en ', 'Spanish '],
    ]) {
      const res = await translate({ text: row.en, source_language: source, target_language: target });
      assert.equal(res.status, 200, `${source}→${target}`);
      assert.equal(res.body.source_language, 'en');
      assert.equal(res.body.target_language, 'es');
      assert.equal(res.body.translation, row.es);
    }
  });

  it('detects the source language with "auto", and by default', async () => {
    const row = phrase('Thank you');
    for (const from of ['es', 'de', 'it']) {
      const res = await translate({ text: row[from], source_language: 'auto', target_language: 'en' });
      assert.equal(res.body.source_language, from, row[from]);
      assert.equal(res.body.translation, row.en);
    }
    const defaulted = await translate({ text: phrase('Hello, how are you?').fr, target_language: 'English' });
    assert.equal(defaulted.body.source_language, 'fr');
  });

  it('refuses an unknown language with a 400 listing the supported ones', async () => {
    for (const [body, field] of [
      [{ text: 'hello', source_language: 'en', target_language: 'Klingon' }, 'target_language'],
      [{ text: 'hello', source_language: 'xx', target_language: 'es' }, 'source_language'],
      [{ text: 'hello', source_language: 'en', target_language: 'auto' }, 'target_language'],
    ] as const) {
      const res = await translate(body);
      assert.equal(res.status, 400);
      assert.equal(res.body.field, field);
      assert.match(
        res.body.error,
        new RegExp(`^${field} ".*" is not supported: use one of en \\(English\\), es \\(Spanish\\)`),
      );
      for (const code of codes) assert.ok(res.body.error.includes(`${code} (${shipped.languages[code]})`));
    }
  });

  it('refuses text whose language cannot be detected', async () => {
    const res = await translate({ text: 'xyzzy plugh', source_language: 'auto', target_language: 'es' });
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'source_language');
  });

  it('refuses missing, wrong-typed and oversized fields with a 400 naming the field', async () => {
    const good = { text: 'hello', source_language: 'en', target_language: 'es', request_id: 't-1' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, text: undefined }, 'text'],
      [{ ...good, text: 3 }, 'text'],
      [{ ...good, text: '' }, 'text'],
      [{ ...good, text: 'word '.repeat(1001) }, 'text'],
      [{ ...good, target_language: undefined }, 'target_language'],
      [{ ...good, target_language: ['es'] }, 'target_language'],
      [{ ...good, source_language: false }, 'source_language'],
      [{ ...good, request_id: 1 }, 'request_id'],
    ];
    for (const [body, field] of cases) {
      const res = await translate(body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.field, field);
    }
    assert.equal((await translate(good)).status, 200);
  });
});
