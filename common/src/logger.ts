/**
 * Logging: pino JSON lines appended to `logs/info.log` (system) or `logs/agent.log` (prompts and tool
 * calls), plus a console form chosen by `LOG_CONSOLE` (auto: readable on a terminal, nothing otherwise,
 * so child processes of the launcher keep its console clean).
 *
 * Every logger is a child bound to its context (`service`, `run_id`, `prompt_index`, `proxy`, …):
 * bind context with `logger.child({...})`, never by formatting it into messages. File writes are
 * synchronous so a crash never loses a line already logged.
 */
import { join } from 'node:path';
import pino, { type DestinationStream, type Logger, type StreamEntry } from 'pino';
import { createRequire } from 'node:module';
import { makeFolder } from './paths.js';
import type { Settings } from './settings/index.js';

export type { Logger } from 'pino';

/** Which log file a logger appends to. */
export type LogFile = 'info' | 'agent';

type LoggerSettings = Pick<Settings, 'LOG_DIR' | 'LOG_LEVEL' | 'LOG_CONSOLE'>;

const destinations = new Map<string, DestinationStream>();
let consoleStream: DestinationStream | undefined;

function fileDestination(path: string): DestinationStream {
  let dest = destinations.get(path);
  if (!dest) {
    // The folder is made by createLogger (pino's own mkdir is the recursive one that can hang: see makeFolder).
    dest = pino.destination({ dest: path, append: true, sync: true });
    destinations.set(path, dest);
  }
  return dest;
}

function consoleDestination(mode: LoggerSettings['LOG_CONSOLE']): DestinationStream | undefined {
  const form = mode === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'off') : mode;
  if (form === 'off') return undefined;
  if (form === 'json') return process.stdout;
  // Required only here: most lab processes log to files alone and need not load the prettifier.
  const pretty = createRequire(import.meta.url)('pino-pretty') as (
    options: import('pino-pretty').PrettyOptions,
  ) => DestinationStream;
  consoleStream ??= pretty({
    colorize: Boolean(process.stdout.isTTY),
    sync: true,
    translateTime: 'HH:MM:ss.l',
    // One line per event keeps `docker compose logs -f agent` readable; the whole settings object
    // (logged once at start) stays in the log file.
    singleLine: true,
    ignore: 'pid,hostname,settings',
    destination: 1,
  });
  return consoleStream;
}

/**
 * Creates a logger.
 * @param options `file`: which log file (default `info`); `name`: the component (`service` field),
 *   e.g. `weather`, `proxy-manager`; `settings`: where logs go and at which level; `bindings`:
 *   extra context bound on every line (e.g. `{ run_id }`)
 * @returns a pino logger writing one JSON object per line to `LOG_DIR/<file>.log`
 * @throws the fs error when `LOG_DIR` cannot be made or its log file opened (program entries have
 *   checked both through `settings()` before)
 */
export function createLogger(options: {
  file?: LogFile;
  name: string;
  settings: LoggerSettings;
  bindings?: Record<string, unknown>;
}): Logger {
  const { settings } = options;
  makeFolder(settings.LOG_DIR);
  const level = settings.LOG_LEVEL;
  const streamLevel = level === 'silent' ? 'fatal' : level;
  const streams: StreamEntry[] = [
    { level: streamLevel, stream: fileDestination(join(settings.LOG_DIR, `${options.file ?? 'info'}.log`)) },
  ];
  const out = consoleDestination(settings.LOG_CONSOLE);
  if (out) streams.push({ level: streamLevel, stream: out });
  return pino(
    {
      level,
      base: { pid: process.pid, service: options.name, ...options.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
}
