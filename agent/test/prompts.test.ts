import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isLabError } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { loadPrompts } from '../src/prompts/prompts-file.js';

const tmp = makeTempDir('agent-prompts-');
after(() => tmp.cleanup());

let n = 0;
function file(content: string): string {
  const path = join(tmp.path, `prompts-${n++}.json`);
  writeFileSync(path, content);
  return path;
}

/** Asserts loadPrompts throws PROMPTS_INVALID whose message names the file, and matches `pattern`. */
function rejects(path: string, pattern: RegExp, index?: number): void {
  assert.throws(
    () => loadPrompts(path),
    (err: unknown) => {
      assert.ok(isLabError(err, 'PROMPTS_INVALID'), `expected PROMPTS_INVALID, got ${String(err)}`);
      assert.ok(err.message.startsWith(path), `message names the file: ${err.message}`);
      assert.match(err.message, pattern);
      assert.equal(err.details?.index, index);
      if (index !== undefined) assert.match(err.message, new RegExp(`entry ${index}(?: \\(id "[^"]*"\\))?:`));
      return true;
    },
  );
}

describe('loadPrompts', () => {
  it('reads prompts in file order with their index, id and tags', () => {
    const path = file(
      JSON.stringify([
        { prompt: 'What is the weather in Paris?' },
        { prompt: 'Calculate 2+2', id: 'calc', tags: ['math'], note: 'kept by the user' },
      ]),
    );
    assert.deepEqual(loadPrompts(path), [
      { index: 0, prompt: 'What is the weather in Paris?' },
      { index: 1, prompt: 'Calculate 2+2', id: 'calc', tags: ['math'] },
    ]);
  });

  it('rejects a missing file', () => rejects(join(tmp.path, 'nope.json'), /file not found/));
  it('rejects a folder', () => {
    const dir = join(tmp.path, 'folder.json');
    mkdirSync(dir);
    rejects(dir, /is a folder/);
  });
  it('rejects invalid JSON', () => rejects(file('[{"prompt": "a"},'), /invalid JSON/));
  it('rejects an empty file', () => rejects(file(''), /invalid JSON/));
  it('rejects JSON that is not an array', () =>
    rejects(file('{"prompt": "a"}'), /must be a JSON array.*got an object/));
  it('rejects an empty array', () => rejects(file('[]'), /empty array/));
  it('rejects an entry that is not an object', () =>
    rejects(file('[{"prompt": "a"}, "b"]'), /must be an object.*got a string/, 1));
  it('rejects an entry that is null or an array', () => {
    rejects(file('[null]'), /got null/, 0);
    rejects(file('[{"prompt": "a"}, {"prompt": "b"}, ["c"]]'), /got an array/, 2);
  });
  it('rejects an entry without "prompt"', () =>
    rejects(file('[{"prompt": "a"}, {"text": "b"}]'), /no "prompt" field/, 1));
  it('rejects a "prompt" that is not a string', () =>
    rejects(file('[{"prompt": 42}]'), /"prompt" must be a string, got a number/, 0));
  it('rejects an empty or blank "prompt"', () => {
    rejects(file('[{"prompt": ""}]'), /"prompt" is empty/, 0);
    rejects(file('[{"prompt": "ok"}, {"prompt": "  \\n "}]'), /"prompt" is empty/, 1);
  });
  it('rejects a bad "id" and a repeated one', () => {
    rejects(file('[{"prompt": "a", "id": 7}]'), /"id" must be a non-empty string/, 0);
    rejects(file('[{"prompt": "a", "id": "x"}, {"prompt": "b", "id": "x"}]'), /"id" "x" is already used by entry 0/, 1);
  });
  it('rejects "tags" that are not an array of strings', () => {
    rejects(file('[{"prompt": "a", "tags": "math"}]'), /"tags" must be an array of strings/, 0);
    rejects(file('[{"prompt": "a", "tags": ["ok", 1]}]'), /"tags" must be an array of strings/, 0);
  });

  it('reads an expectation, a bare tool name standing for {"tool": name}', () => {
    const expect = {
      tools: ['calculate', { tool: 'get_weather', args: { city: 'London' } }],
      contains: ['392'],
      any: ['a', 'b'],
      matches: '\\d+',
      excludes: ['x'],
      refusal: false,
    };
    const [prompt] = loadPrompts(file(JSON.stringify([{ prompt: 'p', expect }])));
    assert.deepEqual(prompt!.expect, {
      ...expect,
      tools: [{ tool: 'calculate' }, { tool: 'get_weather', args: { city: 'London' } }],
    });
  });

  it('rejects a bad expectation, naming the entry, its id and the field', () => {
    const bad = (expect: unknown, id?: string) =>
      file(JSON.stringify([{ prompt: 'ok' }, { prompt: 'p', ...(id ? { id } : {}), expect }]));
    rejects(
      bad({ tools: ['get_weathr'] }, 'w1'),
      /entry 1 \(id "w1"\): expect\.tools\[0\]\.tool: must be one of the tools: search_web, get_weather/,
      1,
    );
    rejects(
      bad({ tools: [{ tool: 'get_weather', args: { city: '' } }] }),
      /expect\.tools\[0\]\.args\.city: must be a non-empty string/,
      1,
    );
    rejects(
      bad({ tools: [{ tool: 'get_weather', arg: {} }] }),
      /expect\.tools\[0\]: unknown field "arg" \(allowed: tool, args\)/,
      1,
    );
    rejects(
      bad({ contain: ['x'] }),
      /expect: unknown field "contain" \(allowed: tools, contains, any, matches, excludes, refusal\)/,
      1,
    );
    rejects(bad({ contains: [] }), /expect\.contains: must be a non-empty array of strings/, 1);
    rejects(bad({ matches: '(' }), /expect\.matches: must be a valid regular expression/, 1);
    rejects(bad({ refusal: 'yes' }), /expect\.refusal: .*expected boolean/, 1);
    rejects(bad({}), /expect: must name at least one of tools, contains, any, matches, excludes, refusal/, 1);
    rejects(bad('London'), /expect: .*expected object/, 1);
  });
});
