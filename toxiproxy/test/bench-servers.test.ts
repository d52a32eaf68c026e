/**
 * The benchmark's choice of servers: a real `toxiproxy-server` is taken from `TOXIPROXY_SERVER_BIN` or
 * PATH, a bad `TOXIPROXY_SERVER_BIN` stops with one line, and an executable taking Toxiproxy's flags is
 * started, found ready through its API and stopped. No real binary is installed here, so our own server
 * behind `toxiproxy-server`'s command line stands in for one.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { findRealServer, REAL_SERVER_NAME, startExecutableServer } from '../bench/support/servers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../bench/support/toxiproxy-server-cli.ts', import.meta.url));

describe('benchmark server selection', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-servers-'));
  after(() => rm(dir, { recursive: true, force: true }));

  /** Writes an executable shell script. @returns its path */
  async function script(name: string, body: string, mode = 0o755): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, mode);
    return path;
  }

  const standIn = await script(
    'standin-toxiproxy-server',
    `cd '${root}' && exec '${process.execPath}' --conditions=source --import tsx '${cli}' "$@"`,
  );
  const pathDir = join(dir, 'bin');
  await mkdir(pathDir);
  const onPath = await script(join('bin', REAL_SERVER_NAME), 'exit 0');

  it('takes TOXIPROXY_SERVER_BIN first, then toxiproxy-server on PATH, else none', () => {
    assert.equal(findRealServer({ TOXIPROXY_SERVER_BIN: standIn, PATH: pathDir }), standIn);
    assert.equal(findRealServer({ TOXIPROXY_SERVER_BIN: '', PATH: `/nonexistent:${pathDir}` }), onPath);
    assert.equal(findRealServer({ PATH: dir }), undefined, 'a folder without toxiproxy-server');
    assert.equal(findRealServer({}), undefined);
  });

  it('stops with one line naming TOXIPROXY_SERVER_BIN when it is not an executable file', async () => {
    const plain = await script('not-executable', 'exit 0', 0o644);
    for (const bad of [plain, join(dir, 'missing'), dir]) {
      assert.throws(
        () => findRealServer({ TOXIPROXY_SERVER_BIN: bad }),
        (err: Error) => {
          assert.match(
            err.message,
            new RegExp(`^TOXIPROXY_SERVER_BIN=${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not an executable file`),
          );
          assert.ok(!err.message.includes('\n'));
          return true;
        },
      );
    }
  });

  it("starts an executable with Toxiproxy's flags, labels it by its name and the version it reports, and stops it", async () => {
    const server = await startExecutableServer(standIn);
    try {
      assert.equal(server.label, 'standin-toxiproxy-server 2.12.0');
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name: 'bench', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }),
      });
      assert.equal(res.status, 201);
    } finally {
      await server.stop();
    }
    await assert.rejects(fetch(`${server.url}/version`), 'the stopped server no longer answers');
  });

  it('reports an executable that exits before its API answers, with the end of its stderr', async () => {
    const broken = await script('broken', 'echo "flag provided but not defined: -host" >&2; exit 2');
    await assert.rejects(
      startExecutableServer(broken),
      /broken exited \(2\) before its API answered: flag provided but not defined: -host/,
    );
  });
});
