import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICE_NAMES, type ServiceName } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startAllTools, type RunningToolService } from '../src/index.js';

/** Values no field expects: every JSON type, edge numbers, empty, huge and odd strings. */
const ODD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  3.5,
  '',
  ' ',
  'x'.repeat(6000),
  '\u0000',
  '💥🧪',
  '<script>',
  "'; DROP TABLE x; --",
  '__proto__',
  'constructor',
  [],
  ['a'],
  {},
  { $gt: '' },
];
const ODD_QUERY_VALUES = ['', ' ', 'x'.repeat(3000), '%00', '💥', '-1', '1e9', 'NaN', '[]', '__proto__'];

/** Every endpoint with a good request, whose fields are replaced one at a time by odd values. */
const BODY_ENDPOINTS: [ServiceName, string, string, Record<string, unknown>][] = [
  ['calendar', 'POST', '/events', { title: 'Review', date: '2026-01-01', time: '10:00', request_id: 'r' }],
  ['calculator', 'POST', '/calculate', { expression: '1+1' }],
  ['message', 'POST', '/messages', { to: 'bob', body: 'hi', request_id: 'm' }],
  [
    'translator',
    'POST',
    '/translate',
    { text: 'hello', source_language: 'en', target_language: 'es', request_id: 't' },
  ],
];
const QUERY_ENDPOINTS: [ServiceName, string, string, Record<string, string>][] = [
  ['search', 'GET', '/search', { q: 'chaos', limit: '5' }],
  ['weather', 'GET', '/weather', { city: 'Tokyo' }],
  ['movie', 'GET', '/movies', { query: 'star', language: 'en', page: '1', per_page: '10' }],
  ['calendar', 'GET', '/events', { date: '2026-01-01', page: '1', per_page: '20' }],
  ['message', 'GET', '/inbox', { page: '1', per_page: '20' }],
  ['calendar', 'DELETE', '/events', { date: '2026-01-01', request_id: 'd' }],
];

describe('no input gets a 500', () => {
  let services: Record<ServiceName, RunningToolService>;
  const tmp = makeTempDir();
  before(async () => {
    const running = await startAllTools(testSettings(tmp.path), {
      ports: Object.fromEntries(SERVICE_NAMES.map((n) => [n, 0])),
    });
    services = Object.fromEntries(running.map((s) => [s.name, s])) as Record<ServiceName, RunningToolService>;
  });
  after(async () => {
    await Promise.all(Object.values(services).map((s) => s.close()));
    tmp.cleanup();
  });

  const expectClientAnswer = async (res: Response, what: string) => {
    const text = await res.text();
    assert.ok(res.status < 500, `${what}: ${res.status} ${text}`);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/, what);
    JSON.parse(text);
  };

  it('answers odd JSON field values with a 2xx or 4xx', async () => {
    for (const [name, method, path, good] of BODY_ENDPOINTS) {
      for (const field of Object.keys(good)) {
        for (const value of ODD_VALUES) {
          const body = JSON.stringify({ ...good, [field]: value });
          const res = await fetch(`${services[name].url}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            body,
          });
          await expectClientAnswer(res, `${method} ${path} ${field}=${JSON.stringify(value).slice(0, 30)}`);
        }
      }
      const res = await fetch(`${services[name].url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(good),
      });
      assert.ok(res.status === 200 || res.status === 201, `${method} ${path} still answers`);
      await res.body?.cancel();
    }
  });

  it('answers odd query values with a 2xx or 4xx', async () => {
    for (const [name, method, path, good] of QUERY_ENDPOINTS) {
      for (const field of Object.keys(good)) {
        for (const value of ODD_QUERY_VALUES) {
          const params = new URLSearchParams({ ...good, [field]: value });
          const res = await fetch(`${services[name].url}${path}?${params}`, { method });
          await expectClientAnswer(res, `${method} ${path} ${field}=${value.slice(0, 30)}`);
        }
      }
    }
  });
});
