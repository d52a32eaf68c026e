import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger, createRandom } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { createApp } from '../src/index.js';
import { query, startTestService, type TestService } from './support/test-service.js';

/** Starts a weather app whose clock reads `atMs`, on port 0; returns its base URL and a closer. */
async function weatherAt(atMs: number, seed: number): Promise<{ url: string; close(): Promise<void> }> {
  const tmp = makeTempDir('chaos-lab-weather-clock-');
  const settings = testSettings(tmp.path, { CHAOS_SEED: String(seed) });
  const app = createApp('weather', {
    settings,
    logger: createLogger({ name: 'weather', settings }),
    random: createRandom(seed).fork('weather'),
    now: () => atMs,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => tmp.cleanup()),
  };
}

async function getWeather(url: string, city: string) {
  const res = await fetch(`${url}/weather${query({ city })}`);
  return { status: res.status, body: (await res.json()) as { temperature_c: number } & Record<string, unknown> };
}

describe('weather service', () => {
  let weather: TestService;
  before(async () => {
    weather = await startTestService('weather');
  });
  after(() => weather.close());

  it('answers current conditions for Tokyo with realistic values', async () => {
    const res = await weather.get(`/weather${query({ city: 'Tokyo' })}`);
    assert.equal(res.status, 200);
    const body = res.body;
    assert.equal(body.city, 'Tokyo');
    assert.equal(body.country, 'Japan');
    assert.ok(body.temperature_c > -15 && body.temperature_c < 42, `temperature ${body.temperature_c}`);
    assert.ok(Math.abs(body.feels_like_c - body.temperature_c) < 15, `feels like ${body.feels_like_c}`);
    assert.ok(Number.isInteger(body.humidity_pct) && body.humidity_pct >= 5 && body.humidity_pct <= 100);
    assert.ok(body.wind_ms >= 0 && body.wind_ms < 40);
    assert.ok(
      [
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
      ].includes(body.conditions),
    );
    const observedMs = Date.parse(body.observed_at);
    assert.ok(Date.now() - observedMs >= 0 && Date.now() - observedMs < 11 * 60_000, body.observed_at);
    assert.match(body.observed_at, /Z$/);
  });

  it('finds cities whatever the case and accents, by alias, and with a country', async () => {
    const cases: [string, string][] = [
      ['tokyo', 'Tokyo'],
      ['  TOKYO ', 'Tokyo'],
      ['NYC', 'New York'],
      ['sao paulo', 'São Paulo'],
      ['Paris, France', 'Paris'],
      ['Washington, D.C.', 'Washington, D.C.'],
      ['krakow', 'Kraków'],
    ];
    for (const [asked, city] of cases) {
      const res = await weather.get(`/weather${query({ city: asked })}`);
      assert.equal(res.status, 200, asked);
      assert.equal(res.body.city, city, asked);
    }
  });

  it('answers an unknown city with a 404 naming it', async () => {
    for (const city of ['Atlantis', 'Paris, Japan']) {
      const res = await weather.get(`/weather${query({ city })}`);
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: `unknown city: ${city}` });
    }
  });

  it('refuses a missing, empty or repeated city with a 400 naming the field', async () => {
    for (const path of [
      '/weather',
      '/weather?city=',
      '/weather?city=Tokyo&city=Paris',
      `/weather?city=${'x'.repeat(300)}`,
    ]) {
      const res = await weather.get(path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.field, 'city');
      assert.match(res.body.error, /^city /);
    }
  });

  it('gives the same weather for the same seed and time, and other weather for another seed', async () => {
    const atMs = Date.UTC(2026, 6, 1, 12, 0);
    const [a, b, c] = await Promise.all([weatherAt(atMs, 7), weatherAt(atMs, 7), weatherAt(atMs, 8)]);
    try {
      const cities = ['Tokyo', 'London', 'Cairo', 'Lima', 'Oslo'];
      const fromA = await Promise.all(cities.map((city) => getWeather(a.url, city)));
      // b is asked in the opposite order: an observation does not depend on what was asked before.
      const fromB = (await Promise.all([...cities].reverse().map((city) => getWeather(b.url, city)))).reverse();
      const fromC = await Promise.all(cities.map((city) => getWeather(c.url, city)));
      assert.deepEqual(fromA, fromB);
      assert.notDeepEqual(fromA, fromC);
      assert.deepEqual(
        await getWeather(a.url, 'Tokyo'),
        fromA[0],
        'a second ask in the same period gives the same observation',
      );
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('follows the seasons of each hemisphere', async () => {
    const january = await weatherAt(Date.UTC(2026, 0, 15, 5, 0), 3);
    const august = await weatherAt(Date.UTC(2026, 7, 15, 5, 0), 3);
    try {
      const tokyoJan = (await getWeather(january.url, 'Tokyo')).body.temperature_c;
      const tokyoAug = (await getWeather(august.url, 'Tokyo')).body.temperature_c;
      const sydneyJan = (await getWeather(january.url, 'Sydney')).body.temperature_c;
      const sydneyAug = (await getWeather(august.url, 'Sydney')).body.temperature_c;
      assert.ok(tokyoAug - tokyoJan > 12, `Tokyo ${tokyoJan} in January, ${tokyoAug} in August`);
      assert.ok(sydneyJan - sydneyAug > 4, `Sydney ${sydneyJan} in January, ${sydneyAug} in August`);
    } finally {
      await Promise.all([january.close(), august.close()]);
    }
  });
});
