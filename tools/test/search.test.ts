import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SearchIndex, stemPlural } from '../src/services/search/ranking.js';
import { query, startTestService, type TestService } from './support/test-service.js';

/** The shipped corpus, read independently of the service, to check answers against. */
const corpus = JSON.parse(readFileSync(new URL('../data/search-corpus.json', import.meta.url), 'utf8')) as {
  title: string;
  url: string;
  topics: string[];
}[];

describe('search service', () => {
  let search: TestService;
  before(async () => {
    search = await startTestService('search');
  });
  after(() => search.close());

  const find = (params: Record<string, string | number>) => search.get(`/search${query(params)}`);

  it('ships at least 200 documents on varied topics', () => {
    assert.ok(corpus.length >= 200, `${corpus.length} documents`);
    assert.ok(new Set(corpus.flatMap((d) => d.topics)).size >= 8);
  });

  it('ranks results best first, with title, url, snippet and score', async () => {
    const res = await find({ q: 'chaos engineering' });
    assert.equal(res.status, 200);
    assert.equal(res.body.query, 'chaos engineering');
    assert.ok(res.body.total >= res.body.results.length && res.body.results.length > 0);
    assert.ok(res.body.results.length <= 5, 'five results by default');
    const scores = res.body.results.map((r: { score: number }) => r.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    for (const r of res.body.results) {
      assert.deepEqual(Object.keys(r).sort(), ['score', 'snippet', 'title', 'url']);
      assert.ok(r.score > 0);
      assert.ok(new URL(r.url));
    }
    assert.match(`${res.body.results[0].title} ${res.body.results[0].snippet}`, /chaos/i);
  });

  it('finds a document by its title among the first results', async () => {
    for (const doc of [corpus[0], corpus[Math.floor(corpus.length / 2)], corpus[corpus.length - 1]]) {
      const res = await find({ q: doc?.title ?? '' });
      const urls = res.body.results.slice(0, 3).map((r: { url: string }) => r.url);
      assert.ok(urls.includes(doc?.url), `"${doc?.title}" not in the top 3`);
    }
  });

  it('honours limit from 1 to 20', async () => {
    for (const limit of [1, 3, 20]) {
      const res = await find({ q: 'the city food science film', limit });
      assert.equal(res.body.results.length, Math.min(limit, res.body.total));
    }
  });

  it('answers a query nothing matches with no results', async () => {
    assert.deepEqual((await find({ q: 'qwxzvk plorbt' })).body, { query: 'qwxzvk plorbt', total: 0, results: [] });
  });

  it('refuses missing, empty, repeated or oversized queries and bad limits with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/search', 'q'],
      ['/search?q=', 'q'],
      ['/search?q=%20%20', 'q'],
      ['/search?q=a&q=b', 'q'],
      [`/search${query({ q: 'x'.repeat(501) })}`, 'q'],
      ['/search?q=chaos&limit=0', 'limit'],
      ['/search?q=chaos&limit=21', 'limit'],
      ['/search?q=chaos&limit=five', 'limit'],
      ['/search?q=chaos&limit=2.5', 'limit'],
    ];
    for (const [path, field] of cases) {
      const res = await search.get(path);
      assert.equal(res.status, 400, path.slice(0, 60));
      assert.equal(res.body.field, field);
    }
  });
});

describe('search ranking (BM25)', () => {
  const docs = [
    {
      title: 'Toxiproxy latency toxic',
      snippet: 'Adding latency to a proxy',
      body: 'The latency toxic delays data.',
      topics: ['chaos'],
    },
    {
      title: 'Baking bread',
      snippet: 'Flour, water, salt and time',
      body: 'Knead the dough and let it rise; bread needs time.',
      topics: ['cooking'],
    },
    {
      title: 'Network partitions',
      snippet: 'When proxies drop traffic',
      body: 'A timeout toxic stops data; toxics are how chaos is injected.',
      topics: ['chaos'],
    },
  ];
  const index = new SearchIndex(docs);

  it('reduces plurals with the S-stemmer', () => {
    assert.deepEqual(['toxics', 'cities', 'proxies', 'glass', 'status', 'does', 'is'].map(stemPlural), [
      'toxic',
      'city',
      'proxy',
      'glass',
      'status',
      'doe',
      'is',
    ]);
  });

  it('puts a title match above a body match, and matches plurals and case', () => {
    const { total, hits } = index.search('TOXIC', 10);
    assert.equal(total, 2);
    assert.deepEqual(
      hits.map((h) => h.document.title),
      ['Toxiproxy latency toxic', 'Network partitions'],
    );
    assert.equal(index.search('breads', 10).hits[0]?.document.title, 'Baking bread');
  });

  it('ignores stop words unless the query has nothing else', () => {
    assert.equal(index.search('the bread', 10).total, 1);
    assert.deepEqual(
      index
        .search('the', 10)
        .hits.map((h) => h.document.title)
        .sort(),
      ['Baking bread', 'Toxiproxy latency toxic'],
    );
  });
});
