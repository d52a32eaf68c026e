/**
 * The Toxiproxy servers a benchmark measures: always ours, in a child process, and a real Toxiproxy
 * when one can be had: the executable `TOXIPROXY_SERVER_BIN` names, or `toxiproxy-server` on PATH.
 * Both are started the same way (`-host 127.0.0.1 -port N`, Toxiproxy's own flags) and are ready
 * once `GET /version` answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '@chaos-lab/common/testing';

/** A server under benchmark. */
export interface BenchServer {
  /** How the figures name it: `ours`, or the executable's name and the version it reports (`toxiproxy-server 2.12.0`). */
  readonly label: string;
  /** `http://127.0.0.1:port` of its API. */
  readonly url: string;
  /** Stops it and waits for its process to exit. */
  stop(): Promise<void>;
}

/** The executable name Toxiproxy's releases and packages install. */
export const REAL_SERVER_NAME = 'toxiproxy-server';

/** Longest wait for a server's API to answer after it is started. */
const READY_TIMEOUT_MS = 30_000;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds a real Toxiproxy server to measure beside ours.
 * @param env where to read `TOXIPROXY_SERVER_BIN` and `PATH` (default: this process's environment)
 * @returns the executable's path: `TOXIPROXY_SERVER_BIN` when set, else the first `toxiproxy-server` on
 *   PATH; undefined when there is none
 * @throws {Error} one line naming `TOXIPROXY_SERVER_BIN` when it is set to something that is not an
 *   executable file
 */
export function findRealServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.TOXIPROXY_SERVER_BIN;
  if (named !== undefined && named !== '') {
    if (!isExecutableFile(named)) {
      throw new Error(
        `TOXIPROXY_SERVER_BIN=${named} is not an executable file: name a toxiproxy-server binary, or unset it`,
      );
    }
    return named;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, REAL_SERVER_NAME);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(force);
}

/**
 * Waits until the API at `url` answers `GET /version`, the child exits, or the deadline passes.
 * @returns the version it reports
 * @throws {Error} naming the executable and the end of its stderr when it exits or never answers
 */
async function waitReady(url: string, child: ChildProcess, bin: string, stderr: () => string): Promise<string> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(
      `${bin} exited (${signal ?? code}) before its API answered: ${stderr().trim().split('\n').at(-1) ?? ''}`,
    );
  });
  exited.catch(() => undefined);
  const answered = (async () => {
    // Readiness is a health check: ask until the API answers or time is up (the child's exit wins the race).
    for (;;) {
      try {
        const res = await fetch(`${url}/version`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) return ((await res.json()) as { version: string }).version;
      } catch {
        // not listening yet
      }
      if (performance.now() > deadline)
        throw new Error(`${bin}: API at ${url} did not answer within ${READY_TIMEOUT_MS} ms`);
      if (child.exitCode !== null || child.signalCode !== null) return '';
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return Promise.race([answered, exited]);
}

/**
 * Starts a Toxiproxy executable (a real `toxiproxy-server`, or anything taking its `-host`/`-port`
 * flags) on a free loopback port.
 * @param bin the executable's path
 * @returns the running server, labelled `<executable name> <version>`
 * @throws {Error} when it exits early or its API never answers (the process is stopped)
 */
export async function startExecutableServer(bin: string): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(bin, ['-host', '127.0.0.1', '-port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString('utf8')).slice(-4096);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const version = await waitReady(url, child, bin, () => stderr);
    return { label: `${basename(bin)} ${version}`, url, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

/** Starts our server (`toxiproxy-process.ts`) in a child process. @returns it, labelled `ours` */
export async function startOwnServer(): Promise<BenchServer> {
  const script = fileURLToPath(new URL('./toxiproxy-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { url } = JSON.parse(line) as { url: string };
  return { label: 'ours', url, stop: () => stopChild(child) };
}
