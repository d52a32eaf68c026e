import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT, settingsShape } from '@chaos-lab/common';
import { formatEnvExample, formatMarkdownTable, settingDocs } from '../src/settings-doc.js';

describe('settings reference', () => {
  it('documents every setting with a meaning', () => {
    const docs = settingDocs();
    assert.deepEqual(
      docs.map((d) => d.name),
      Object.keys(settingsShape),
    );
    for (const d of docs) assert.ok(d.meaning.length > 10, `${d.name} has no meaning`);
  });

  it('.env.example is the generated one', () => {
    assert.equal(
      readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8'),
      formatEnvExample(),
      'run: npx chaos-lab settings --format env > .env.example',
    );
  });

  it("docs/settings.md's table is the generated one", () => {
    const page = readFileSync(join(PROJECT_ROOT, 'docs', 'settings.md'), 'utf8');
    const m = /<!-- settings:start -->\n([\s\S]*?)<!-- settings:end -->/.exec(page);
    assert.ok(m, 'docs/settings.md has no settings markers');
    assert.equal(
      m[1],
      formatMarkdownTable(),
      'run: npx chaos-lab settings --format markdown, and paste it between the markers of docs/settings.md',
    );
  });
});
