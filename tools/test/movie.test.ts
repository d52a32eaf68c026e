import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { query, startTestService, type TestService } from './support/test-service.js';

/** The shipped catalogue, read independently of the service, to check answers against. */
const shipped = JSON.parse(readFileSync(new URL('../data/movies.json', import.meta.url), 'utf8')) as {
  name: string;
  original_name: string;
  language: string;
}[];

describe('movie service', () => {
  let movie: TestService;
  before(async () => {
    movie = await startTestService('movie');
  });
  after(() => movie.close());

  const search = (params: Record<string, string | number>) => movie.get(`/movies${query(params)}`);

  it('ships at least 150 films', () => {
    assert.ok(shipped.length >= 150, `${shipped.length} films`);
  });

  it('finds a film by its name, whatever the case, with every field', async () => {
    const res = await search({ query: 'SPIRITED AWAY' });
    assert.equal(res.status, 200);
    assert.equal(res.body.query, 'SPIRITED AWAY');
    assert.equal(res.body.page, 1);
    assert.equal(res.body.per_page, 10);
    const first = res.body.results[0];
    assert.equal(first.name, 'Spirited Away');
    assert.equal(first.language, 'ja');
    assert.equal(first.year, 2001);
    assert.deepEqual(Object.keys(first).sort(), ['genres', 'language', 'name', 'original_name', 'overview', 'year']);
    assert.ok(Array.isArray(first.genres) && first.genres.length > 0);
  });

  it('finds films by their original name, ignoring accents', async () => {
    assert.equal((await search({ query: '千と千尋' })).body.results[0].name, 'Spirited Away');
    assert.equal((await search({ query: "destin d'amelie" })).body.results[0].name, 'Amélie');
    assert.equal((await search({ query: 'a bout de souffle' })).body.results[0].original_name, 'À bout de souffle');
  });

  it('ranks an exact title before titles that merely contain the words', async () => {
    const res = await search({ query: 'star wars' });
    assert.ok(res.body.total_results >= 2);
    assert.ok(
      res.body.results.every((m: { name: string; original_name: string }) =>
        /star wars/i.test(`${m.name} ${m.original_name}`),
      ),
    );
    const rogue = res.body.results.findIndex((m: { name: string }) => m.name.startsWith('Rogue One'));
    assert.ok(rogue === -1 || rogue > 0, 'a title starting with the query comes first');
  });

  it('filters by original language', async () => {
    const expected = shipped.filter((m) => m.language === 'ja').length;
    const res = await search({ query: '', language: 'JA', per_page: 50 });
    assert.equal(res.body.total_results, expected);
    assert.ok(res.body.results.every((m: { language: string }) => m.language === 'ja'));
    assert.equal((await search({ query: 'spirited', language: 'fr' })).body.total_results, 0);
  });

  it('pages through the whole catalogue with consistent totals', async () => {
    const perPage = 20;
    const first = await search({ per_page: perPage });
    assert.equal(first.body.total_results, shipped.length);
    assert.equal(first.body.total_pages, Math.ceil(shipped.length / perPage));
    const seen = new Set<string>();
    for (let page = 1; page <= first.body.total_pages; page++) {
      const res = await search({ page, per_page: perPage });
      assert.equal(
        res.body.results.length,
        page < first.body.total_pages ? perPage : shipped.length - perPage * (page - 1),
      );
      for (const m of res.body.results) seen.add(`${m.name}|${m.year}`);
    }
    assert.equal(seen.size, shipped.length);
    const beyond = await search({ page: first.body.total_pages + 1, per_page: perPage });
    assert.deepEqual(beyond.body.results, []);
  });

  it('answers no match with empty results', async () => {
    const res = await search({ query: 'zzzz no such film zzzz' });
    assert.deepEqual(
      { ...res.body, query: undefined },
      { query: undefined, page: 1, per_page: 10, total_results: 0, total_pages: 0, results: [] },
    );
  });

  it('refuses bad paging and language values with a 400 naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ page: '0' }, 'page'],
      [{ page: 'two' }, 'page'],
      [{ page: '1.5' }, 'page'],
      [{ per_page: '51' }, 'per_page'],
      [{ per_page: '-1' }, 'per_page'],
      [{ language: 'Japanese' }, 'language'],
      [{ query: 'x'.repeat(201) }, 'query'],
    ];
    for (const [params, field] of cases) {
      const res = await search(params);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.equal(res.body.field, field);
      assert.ok(res.body.error.startsWith(`${field} `));
    }
    assert.equal((await movie.get('/movies?query=a&query=b')).body.field, 'query');
  });
});
