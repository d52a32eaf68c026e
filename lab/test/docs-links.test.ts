/**
 * The docs point at things that exist. For README.md, CONTRIBUTING.md, docs/*.md and every README one
 * folder down (each workspace's, whether or not the root package.json lists it yet):
 *
 * - every relative Markdown link or image, `[text](target)`, names a file or folder that exists,
 *   resolved from the document's folder (an `#anchor` is not checked);
 * - every backticked repo path exists: an inline code span made only of path characters (letters,
 *   digits, `_ . - /`), with a `/`, not starting with `/`, and ending with `/` or with a file
 *   extension, e.g. `proxy-manager/src/chaos/` or `common/src/registry.ts`. It is looked up from the
 *   repo root, then from the document's folder (a workspace README names its own `src/…`). Paths under
 *   `state/`, `logs/` and `charts/` are what a run writes (kept empty in git) and are not looked up.
 *   Fenced code blocks are not read: their paths are examples;
 * - no document mentions a file the repo does not have (`DESIGN.md`, `TOOL_API.md`,
 *   `toxiproxy-api.md`, `../shared`).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '@chaos-lab/common';

/** Names no document may mention: they are not in the repo. */
const UNKNOWN_FILES = ['DESIGN.md', 'TOOL_API.md', 'toxiproxy-api.md', '../shared'];

/** Folders a run writes into: their files are not in git. */
const RUN_OUTPUT = ['state/', 'logs/', 'charts/'];

/** The documents checked, as paths from the repo root. */
function documents(): string[] {
  const workspaces = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
    .workspaces;
  const topFolders = readdirSync(PROJECT_ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .map((e) => e.name);
  const withReadme = topFolders.filter((f) => existsSync(join(PROJECT_ROOT, f, 'README.md')));
  const readmes = [...new Set([...workspaces, ...withReadme])].sort().map((f) => `${f}/README.md`);
  const pages = readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...pages, ...readmes.sort()];
}

/** The text outside fenced code blocks (``` or ~~~), each block replaced by an empty line. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Targets of relative links and images, without their `#anchor`. */
function relativeLinks(text: string): string[] {
  const outsideCode = text.replace(/`[^`\n]*`/g, '');
  return [...outsideCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => decodeURI(t.replace(/[#?].*$/, '')));
}

/** Inline code spans that look like repo paths (see the file comment). */
function backtickedPaths(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1]!.replace(/^\.\//, ''))
    .filter(
      (s) =>
        /^[A-Za-z0-9_.\-/]+$/.test(s) &&
        s.includes('/') &&
        !s.startsWith('/') &&
        (s.endsWith('/') || /\.[A-Za-z0-9]+$/.test(s)),
    )
    .filter((s) => !RUN_OUTPUT.some((o) => s.startsWith(o)));
}

/** Every problem of one document, one line each. */
function problems(doc: string): string[] {
  const markdown = readFileSync(join(PROJECT_ROOT, doc), 'utf8');
  const text = withoutFences(markdown);
  const folder = join(PROJECT_ROOT, dirname(doc));
  const found: string[] = [];
  for (const target of relativeLinks(text)) {
    if (!existsSync(join(folder, target))) found.push(`link to a missing file: ${target}`);
  }
  for (const path of backtickedPaths(text)) {
    if (!existsSync(join(PROJECT_ROOT, path)) && !existsSync(join(folder, path)))
      found.push(`missing path: \`${path}\``);
  }
  for (const name of UNKNOWN_FILES) {
    if (markdown.includes(name)) found.push(`mentions ${name}, which is not in the repo`);
  }
  return found;
}

describe('docs links and paths', () => {
  for (const doc of documents()) {
    it(`${doc} points only at what exists`, () => {
      assert.ok(existsSync(join(PROJECT_ROOT, doc)), `${doc} is missing`);
      const found = problems(doc);
      assert.ok(found.length === 0, `${doc}:\n  ${found.join('\n  ')}`);
    });
  }
});
