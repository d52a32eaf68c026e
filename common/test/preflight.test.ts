import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeFolder, openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { checkLabPaths } from '../src/preflight.js';

const tmp = makeTempDir();
after(() => tmp.cleanup());

/** Lab paths inside the temporary folder, with `overrides`. */
function paths(overrides: Partial<Record<'LAB_DB_PATH' | 'LOG_DIR' | 'CHARTS_DIR', string>> = {}) {
  return {
    LAB_DB_PATH: join(tmp.path, 'state', 'lab.db'),
    LOG_DIR: join(tmp.path, 'logs'),
    CHARTS_DIR: join(tmp.path, 'charts'),
    ...overrides,
  };
}

describe('pre-flight of the lab paths', () => {
  const notes = join(tmp.path, 'notes.txt');
  writeFileSync(notes, 'not a database, not a folder\n');

  it('makes the missing folders and finds nothing wrong', () => {
    const p = paths({ LAB_DB_PATH: join(tmp.path, 'deep', 'er', 'lab.db'), LOG_DIR: join(tmp.path, 'l', 'o', 'g') });
    assert.deepEqual(checkLabPaths(p), []);
    assert.ok(statSync(join(tmp.path, 'deep', 'er')).isDirectory());
    assert.ok(statSync(p.LOG_DIR).isDirectory());
    assert.ok(statSync(p.CHARTS_DIR).isDirectory());
    assert.equal(existsSync(p.LAB_DB_PATH), false, 'the database itself is left to openDatabase');
  });

  it('accepts an existing database and an empty file (SQLite takes it as a new database)', () => {
    const dbPath = join(tmp.path, 'existing.db');
    openDatabase(dbPath).close();
    const empty = join(tmp.path, 'empty.db');
    writeFileSync(empty, '');
    assert.deepEqual(checkLabPaths(paths({ LAB_DB_PATH: dbPath })), []);
    assert.deepEqual(checkLabPaths(paths({ LAB_DB_PATH: empty })), []);
  });

  it('refuses a database path under /proc at once, naming the folder it cannot make', () => {
    const started = Date.now();
    const problems = checkLabPaths(paths({ LAB_DB_PATH: '/proc/nonexistent/lab.db' }));
    assert.deepEqual(problems, [
      'LAB_DB_PATH=/proc/nonexistent/lab.db: cannot make the folder /proc/nonexistent (ENOENT: no such file or directory); ' +
        'must be a SQLite database file the lab can write to, or a path where one can be made',
    ]);
    assert.ok(Date.now() - started < 5000, 'no recursive mkdir loop');
  });

  it('refuses a folder or a file that is not a database as LAB_DB_PATH', () => {
    assert.match(
      checkLabPaths(paths({ LAB_DB_PATH: tmp.path }))[0]!,
      /^LAB_DB_PATH=.*: is a folder, not a database file; must be a SQLite database file/,
    );
    assert.match(
      checkLabPaths(paths({ LAB_DB_PATH: notes }))[0]!,
      /^LAB_DB_PATH=.*notes\.txt: is not a SQLite database \(it does not start with "SQLite format 3"\); must be/,
    );
    assert.match(
      checkLabPaths(paths({ LAB_DB_PATH: join(notes, 'lab.db') }))[0]!,
      /^LAB_DB_PATH=.*: its folder .*notes\.txt is a file, not a folder; must be/,
    );
  });

  it('refuses a file as LOG_DIR or CHARTS_DIR, and a folder that cannot be made inside one', () => {
    assert.deepEqual(checkLabPaths(paths({ LOG_DIR: notes, CHARTS_DIR: join(notes, 'charts') })), [
      `LOG_DIR=${notes}: is a file, not a folder; must be a folder the lab can write to, or a path where one can be made`,
      `CHARTS_DIR=${join(notes, 'charts')}: cannot make the folder ${join(notes, 'charts')} (ENOTDIR: not a directory); must be a folder the lab can write to, or a path where one can be made`,
    ]);
  });

  it('refuses a folder the lab cannot write to (when not running as root, who may write anywhere)', (t) => {
    const locked = join(tmp.path, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      const problems = checkLabPaths(paths({ LOG_DIR: locked }));
      if (process.getuid?.() === 0) {
        t.diagnostic('running as root: permission bits do not apply, only the path checks ran');
        assert.deepEqual(problems, []);
      } else {
        assert.deepEqual(problems, [
          `LOG_DIR=${locked}: the folder is not writable (EACCES: permission denied); must be a folder the lab can write to, or a path where one can be made`,
        ]);
      }
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe('makeFolder', () => {
  it('makes every missing level and leaves an existing folder alone', () => {
    const deep = join(tmp.path, 'a', 'b', 'c');
    makeFolder(deep);
    makeFolder(deep);
    assert.ok(statSync(deep).isDirectory());
  });

  it('throws the error of the level that fails instead of looping (Node 20 recursive mkdir under /proc never returns)', () => {
    assert.throws(
      () => makeFolder('/proc/nonexistent/a/b'),
      (err: NodeJS.ErrnoException) => err.code === 'ENOENT' && err.path === '/proc/nonexistent',
    );
    const file = join(tmp.path, 'file');
    writeFileSync(file, 'x');
    assert.throws(
      () => makeFolder(file),
      (err: NodeJS.ErrnoException) => err.code === 'ENOTDIR',
    );
  });
});
