import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isLabError, loadSettings } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';

function problems(env: Record<string, string>): string[] {
  try {
    loadSettings(env, { dotenv: false });
  } catch (err) {
    assert.ok(isLabError(err, 'SETTINGS_INVALID'));
    return err.message.split('\n');
  }
  assert.fail('expected SETTINGS_INVALID');
}

describe('settings', () => {
  it('has the documented defaults', () => {
    const s = loadSettings({}, { dotenv: false });
    assert.equal(s.TOXIC_PROB, 0.1);
    assert.equal(s.ERROR_PROB, 0.1);
    assert.equal(s.TOOL_LIMIT, 1);
    assert.equal(s.PROMPT_LIMIT, 1);
    assert.deepEqual(s.TOXICS, ['timeout']);
    assert.equal(s.LLM_PROVIDER, 'auto');
    assert.equal(s.GROQ_MODEL, 'llama-3.3-70b-versatile');
    assert.equal(s.PROXY_TIMEOUT_MS, 5000);
    assert.equal(s.FALLBACK_TIMEOUT_MS, 10000);
    assert.deepEqual(s.TOXIC_DURATION_MS, { min: 2000, max: 6000 });
    assert.equal(s.TOXIPROXY_URL, 'http://127.0.0.1:8474');
    assert.equal(s.PROXY_MANAGER_PORT, 8000);
    assert.equal(s.seedGiven, false);
    assert.ok(Number.isInteger(s.CHAOS_SEED) && s.CHAOS_SEED >= 0);
    assert.ok(s.PROMPTS_FILE.endsWith(join('agent', 'prompts.json')));
  });

  it('names the variable, the value and the rule for every bad value, all at once', () => {
    assert.deepEqual(problems({ TOXIC_PROB: '1.5' }), ['TOXIC_PROB=1.5: must be a number from 0 to 1']);
    assert.deepEqual(problems({ TOXIC_PROB: 'abc', TOOL_LIMIT: '0' }), [
      'TOXIC_PROB=abc: must be a number from 0 to 1',
      'TOOL_LIMIT=0: must be an integer from 1 to 100',
    ]);
    assert.deepEqual(problems({ PROMPT_LIMIT: '2.5' }), ['PROMPT_LIMIT=2.5: must be an integer from 1 to 100']);
    assert.match(
      problems({ TOXICS: 'timeout,explode' })[0]!,
      /^TOXICS=timeout,explode: must be a comma list of latency, /,
    );
    assert.match(
      problems({ LLM_PROVIDER: 'claude' })[0]!,
      /^LLM_PROVIDER=claude: must be one of auto, groq, openai, anthropic, offline$/,
    );
    assert.match(problems({ CHAOS_SEED: '-1' })[0]!, /^CHAOS_SEED=-1: must be an integer from 0 to 4294967295/);
    assert.match(problems({ TOXIC_DURATION_MS: '6000-2000' })[0]!, /^TOXIC_DURATION_MS=6000-2000: must be MIN-MAX/);
    assert.match(problems({ TOXIPROXY_URL: 'ftp://x' })[0]!, /^TOXIPROXY_URL=ftp:\/\/x: must be an http/);
  });

  it('takes an IP address or a host name for the hosts, and refuses what is neither', () => {
    const rule = 'must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or a host name';
    assert.deepEqual(problems({ BIND_HOST: '999.999.1.1' }), [`BIND_HOST=999.999.1.1: ${rule}`]);
    assert.deepEqual(
      problems({ TOXIPROXY_LISTEN_HOST: '10.0.0', TOOLS_HOST: 'bad host', TOXIPROXY_HOST: 'http://x' }),
      [`TOXIPROXY_HOST=http://x: ${rule}`, `TOXIPROXY_LISTEN_HOST=10.0.0: ${rule}`, `TOOLS_HOST=bad host: ${rule}`],
    );
    for (const host of [
      '127.0.0.1',
      '0.0.0.0',
      '::',
      '::1',
      'localhost',
      'search_tool',
      'proxy-mgr.lab.internal',
      'host.',
    ]) {
      assert.equal(loadSettings({ BIND_HOST: host }, { dotenv: false }).BIND_HOST, host);
    }
  });

  it('refuses LLM_PROVIDER=groq without a GROQ_API_KEY, empty or missing', () => {
    const line = 'LLM_PROVIDER=groq: GROQ_API_KEY must be set (or use LLM_PROVIDER=offline, or auto)';
    assert.deepEqual(problems({ LLM_PROVIDER: 'groq' }), [line]);
    assert.deepEqual(problems({ LLM_PROVIDER: 'groq', GROQ_API_KEY: '  ' }), [line]);
    assert.equal(loadSettings({ LLM_PROVIDER: 'groq', GROQ_API_KEY: 'gsk_x' }, { dotenv: false }).LLM_PROVIDER, 'groq');
    assert.equal(loadSettings({ LLM_PROVIDER: 'auto' }, { dotenv: false }).GROQ_API_KEY, undefined);
  });

  it('parses lists, ranges, seeds and per-service hosts', () => {
    const s = loadSettings(
      {
        TOXICS: ' Latency , timeout,latency',
        TOXIC_DURATION_MS: '500',
        CHAOS_SEED: '42',
        WEATHER_TOOL_HOST: 'weather_tool',
        PORT_OFFSET: '100',
      },
      { dotenv: false },
    );
    assert.deepEqual(s.TOXICS, ['latency', 'timeout']);
    assert.deepEqual(s.TOXIC_DURATION_MS, { min: 500, max: 500 });
    assert.equal(s.CHAOS_SEED, 42);
    assert.equal(s.seedGiven, true);
    assert.equal(s.toolHosts.weather, 'weather_tool');
    assert.equal(s.toolHosts.search, undefined);
    assert.equal(s.TOXIPROXY_URL, 'http://127.0.0.1:8574');
    assert.equal(s.PROXY_MANAGER_PORT, 8100);
  });

  it('treats empty strings as unset', () => {
    const s = loadSettings({ TOXIC_PROB: '', CHAOS_SEED: '  ' }, { dotenv: false });
    assert.equal(s.TOXIC_PROB, 0.1);
    assert.equal(s.seedGiven, false);
  });

  it('reads a .env file, and the real environment wins over it', () => {
    const tmp = makeTempDir();
    try {
      const envFile = join(tmp.path, '.env');
      writeFileSync(envFile, 'TOXIC_PROB=0.4\nERROR_PROB=0.3\n');
      const s = loadSettings({ ERROR_PROB: '0.2' }, { envFile });
      assert.equal(s.TOXIC_PROB, 0.4);
      assert.equal(s.ERROR_PROB, 0.2);
      writeFileSync(envFile, 'TOOL_LIMIT=zero\n');
      assert.throws(() => loadSettings({}, { envFile }), /TOOL_LIMIT=zero: must be an integer/);
    } finally {
      tmp.cleanup();
    }
  });
});
