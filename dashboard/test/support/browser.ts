// Support for the dashboard's browser tests: Debian's Chromium (never a downloaded browser) driven by
// playwright-core, and a real `chaos-lab up` run in a temp dir on ports of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '@chaos-lab/common';
import { queryDatabase, takePortBlock } from '@chaos-lab/common/testing';

/** The Chromium the tests drive: `CHROMIUM_PATH`, by default Debian's chromium package (.ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here (no Chromium at {@link CHROMIUM}), as one line with the command
 * that installs it; undefined when they can.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return `no Chromium at ${CHROMIUM}: the dashboard's browser tests are skipped; install it with \`apt-get install chromium\` (or set CHROMIUM_PATH)`;
}

/** Starts headless Chromium with the flags a shared CI machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Starts noting, in the page, when each prompt row (`data-testid="prompt-N"`) first appears, to time
 * updates against the rows' times in the record. Read the times with {@link promptRowsSeen}.
 */
export async function watchPromptRows(page: Page): Promise<void> {
  // A string, not a function: the test's own transpiler would wrap a function in helpers the page lacks.
  await page.evaluate(`(() => {
    const seen = (window.__seen = {});
    const note = () => {
      for (const el of document.querySelectorAll('[data-testid^="prompt-"]')) seen[el.getAttribute('data-testid')] ??= Date.now();
    };
    note();
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true });
  })()`);
}

/** When each prompt row first appeared since {@link watchPromptRows}: test id → epoch ms. */
export async function promptRowsSeen(page: Page): Promise<Record<string, number>> {
  return (await page.evaluate('window.__seen')) as Record<string, number>;
}

/** A lab run as a user starts it. */
export interface LabRun {
  readonly child: ChildProcess;
  readonly dbPath: string;
  readonly portOffset: number;
  output(): string;
  readonly exit: Promise<number | null>;
  /** Resolves with the first match of `re` in the output; rejects after `timeoutMs`. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the lab's process group if it still runs. */
  stop(): void;
}

export { writeToolPrompts as writePrompts } from '@chaos-lab/common/testing';

/**
 * Starts `chaos-lab up` (the compiled command) in its own process group, on a block of ports taken for
 * it (common's `takePortBlock`, given back when the lab has exited) unless `env` sets `PORT_OFFSET`.
 */
export async function startLab(dir: string, args: string[], env: Record<string, string>): Promise<LabRun> {
  const ports = env.PORT_OFFSET === undefined ? await takePortBlock() : undefined;
  const portOffset = ports?.offset ?? Number(env.PORT_OFFSET);
  const dbPath = join(dir, 'lab.db');
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'lab', 'bin', 'chaos-lab.js'), 'up', ...args], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LLM_PROVIDER: 'offline',
      LAB_DB_PATH: dbPath,
      LOG_DIR: join(dir, 'logs'),
      CHARTS_DIR: join(dir, 'charts'),
      PORT_OFFSET: String(portOffset),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  // 'close', not 'exit': the lab may exit before its last output has been read.
  const exit = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      ports?.release();
      resolve(code);
    }),
  );
  return {
    child,
    dbPath,
    portOffset,
    output: () => out,
    exit,
    waitForOutput(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (!m) return;
          cleanup();
          resolve(m);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${re} in the lab's output within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exit.then((code) => {
          if (!listeners.has(check)) return;
          cleanup();
          reject(new Error(`the lab exited (${code}) before ${re} appeared:\n${out}`));
        });
        check();
      });
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** Runs one read-only query on the lab's database. */
export const query = queryDatabase;

/** Polls `probe` every 50 ms until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | false;
    try {
      value = await probe();
    } catch {
      value = undefined; // the database is being created, or the server is not up yet
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
