// Every bad setting stops `chaos-lab up` before anything starts: exit 2, the settings header and one
// line naming the setting and its value, no stack trace, no child left, no port held.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SERVICES, TOXIPROXY_API_PORT, PROXY_MANAGER_PORT } from '@chaos-lab/common';
import { makeTempDir, portIsFree } from '@chaos-lab/common/testing';
import { labPortOffset, runCli } from './support/cli.js';

const tmp = makeTempDir('chaos-lab-bad-settings-');
after(() => tmp.cleanup());

/** A refusal takes one Node start; far more means the launcher hangs (it did, forever, under /proc). */
const REFUSAL_DEADLINE_MS = 30_000;

/** Processes (other than this one) whose environment holds `mark`: the launcher's children inherit it. */
function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(mark)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Every port the lab would bind with this offset. */
function labPorts(offset: number): number[] {
  return [...SERVICES.flatMap((s) => [s.toolPort, s.proxyPort]), TOXIPROXY_API_PORT, PROXY_MANAGER_PORT].map(
    (p) => p + offset,
  );
}

/**
 * Runs `chaos-lab up` with `env` over a lab in its own folder, and checks the refusal.
 * @returns the one problem line
 */
async function refusal(slot: number, env: Record<string, string>): Promise<string> {
  const dir = join(tmp.path, `slot-${slot}`);
  mkdirSync(dir, { recursive: true });
  const mark = `chaos-lab-test-${randomUUID()}`;
  const offset = await labPortOffset();
  const run = runCli(['up'], {
    LAB_DB_PATH: join(dir, 'lab.db'),
    LOG_DIR: join(dir, 'logs'),
    CHARTS_DIR: join(dir, 'charts'),
    PORT_OFFSET: String(offset),
    CHAOS_LAB_TEST_MARK: mark,
    ...env,
  });
  const timer = setTimeout(() => run.child.kill('SIGKILL'), REFUSAL_DEADLINE_MS);
  const { code, signal } = await run.exit;
  clearTimeout(timer);
  assert.equal(signal, null, `still running after ${REFUSAL_DEADLINE_MS} ms: ${run.output()}`);
  assert.equal(code, 2, run.output());
  const lines = run
    .output()
    .split('\n')
    .filter((l) => l !== '');
  assert.equal(lines.length, 2, run.output());
  assert.equal(lines[0], 'chaos-lab: invalid settings');
  assert.doesNotMatch(run.output(), /^\s+at /m, 'no stack trace');
  assert.deepEqual(processesMarked(mark), [], 'no part of the lab left running');
  for (const port of labPorts(offset)) assert.ok(await portIsFree(port), `port ${port} is free`);
  return lines[1]!;
}

describe('chaos-lab up with a bad setting', () => {
  const notes = join(tmp.path, 'notes.txt');
  writeFileSync(notes, 'a note, not a database\n');
  const folderRule = 'must be a folder the lab can write to, or a path where one can be made';
  const databaseRule = 'must be a SQLite database file the lab can write to, or a path where one can be made';

  it('LAB_DB_PATH under /proc: refused at once (it used to hang in a recursive mkdir, deaf to SIGTERM)', async () => {
    assert.equal(
      await refusal(20, { LAB_DB_PATH: '/proc/nonexistent/lab.db' }),
      `LAB_DB_PATH=/proc/nonexistent/lab.db: cannot make the folder /proc/nonexistent (ENOENT: no such file or directory); ${databaseRule}`,
    );
  });

  it('LAB_DB_PATH naming a folder, or a file that is not a database', async () => {
    const folder = join(tmp.path, 'a-folder');
    mkdirSync(folder);
    assert.equal(
      await refusal(21, { LAB_DB_PATH: folder }),
      `LAB_DB_PATH=${folder}: is a folder, not a database file; ${databaseRule}`,
    );
    assert.equal(
      await refusal(22, { LAB_DB_PATH: notes }),
      `LAB_DB_PATH=${notes}: is not a SQLite database (it does not start with "SQLite format 3"); ${databaseRule}`,
    );
    assert.equal(readFileSync(notes, 'utf8'), 'a note, not a database\n', 'the file is left as it was');
  });

  it('LOG_DIR or CHARTS_DIR naming a file', async () => {
    assert.equal(await refusal(23, { LOG_DIR: notes }), `LOG_DIR=${notes}: is a file, not a folder; ${folderRule}`);
    assert.equal(
      await refusal(24, { CHARTS_DIR: notes }),
      `CHARTS_DIR=${notes}: is a file, not a folder; ${folderRule}`,
    );
  });

  it('LLM_PROVIDER=groq with an empty or missing GROQ_API_KEY: refused before the lab starts', async () => {
    const line = 'LLM_PROVIDER=groq: GROQ_API_KEY must be set (or use LLM_PROVIDER=offline, or auto)';
    assert.equal(await refusal(25, { LLM_PROVIDER: 'groq', GROQ_API_KEY: '' }), line);
    assert.equal(await refusal(26, { LLM_PROVIDER: 'groq' }), line);
  });

  it("BIND_HOST that is not an address, not this machine's, or not resolvable: named once, not per port", async () => {
    const rule = 'must be an address of this machine (such as 127.0.0.1), 0.0.0.0, or a host name that resolves to one';
    assert.equal(
      await refusal(27, { BIND_HOST: '999.999.1.1' }),
      'BIND_HOST=999.999.1.1: must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or a host name',
    );
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737) and `.invalid` never resolves (RFC 6761): neither is any machine's.
    assert.equal(
      await refusal(28, { BIND_HOST: '192.0.2.1' }),
      `BIND_HOST=192.0.2.1: is not an address of this machine (EADDRNOTAVAIL); ${rule}`,
    );
    assert.match(
      await refusal(29, { BIND_HOST: 'lab-host.invalid' }),
      new RegExp(
        `^BIND_HOST=lab-host\\.invalid: does not resolve to an address \\((ENOTFOUND|EAI_AGAIN)\\); ${rule.replace(/[().]/g, '\\$&')}$`,
      ),
    );
    assert.equal(
      await refusal(30, { TOXIPROXY_LISTEN_HOST: '192.0.2.1' }),
      `TOXIPROXY_LISTEN_HOST=192.0.2.1: is not an address of this machine (EADDRNOTAVAIL); ${rule}`,
    );
  });
});
