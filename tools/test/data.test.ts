import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { isLabError } from '@chaos-lab/common';
import { dataFilePath, loadDataFile } from '../src/data.js';

describe('shipped data files', () => {
  it('stops with a message naming a missing file', () => {
    assert.throws(
      () => loadDataFile('no-such-file.json', z.array(z.unknown())),
      (err) => {
        assert.ok(isLabError(err, 'INTERNAL'));
        assert.ok(err.message.includes(dataFilePath('no-such-file.json')));
        return true;
      },
    );
  });

  it('stops with a message naming the file and the entry that does not match its schema', () => {
    const strict = z.array(z.object({ name: z.string(), population: z.number() }));
    assert.throws(
      () => loadDataFile('cities.json', strict),
      (err) => {
        assert.ok(isLabError(err, 'INTERNAL'));
        assert.match(err.message, /cities\.json is invalid at 0\.population: /);
        return true;
      },
    );
  });

  it('validates a file once and hands back the same value', () => {
    const loose = z.array(z.object({ name: z.string() }));
    const first = loadDataFile('cities.json', loose);
    assert.ok(first.length >= 100, `${first.length} cities`);
    assert.equal(loadDataFile('cities.json', loose), first);
  });
});
