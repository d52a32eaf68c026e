/**
 * The launcher's side of the lab file: how each declared tool service is started or found.
 *
 *   run: builtin  ─▶ `chaos-lab tool <name>` (a child)
 *   run: command  ─▶ the declared program (a child), with PORT = port + PORT_OFFSET and BIND_HOST
 *   run: url      ─▶ nothing to start: it must answer its health path already
 *   run: compose  ─▶ nothing to start here: under `npm start` it must answer, as a url service
 *
 * A url or compose service that does not answer is refused before the run starts, with a line naming
 * the service, where it was looked for and what came back.
 */
import {
  checkHealth,
  formatEndpoint,
  LabError,
  toolEndpoint,
  type LabService,
  type Logger,
  type Settings,
} from '@chaos-lab/common';
import { startChild, type LabChild } from './child.js';

/** Tries of the start-up check of a url or compose service, and the deadline of each, ms. */
const ABSENT_CHECK = { tries: 3, timeoutMs: 2000, pauseMs: 500 } as const;

/** The health URL of a declared service: `http://<tool endpoint><health path>`. */
export function labServiceHealthUrl(service: LabService, settings: Settings): string {
  return `http://${formatEndpoint(toolEndpoint(service, settings))}${service.healthPath}`;
}

/**
 * Starts a service the lab runs (builtin or command) as a child.
 * @throws {LabError} `INTERNAL` for a url or compose service, which the lab never starts
 */
export function spawnToolService(
  service: LabService,
  settings: Settings,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): LabChild {
  if (service.run === 'builtin') return startChild(service.name, ['tool', service.name], env, logger);
  if (service.run === 'command') {
    const port = String(toolEndpoint(service, settings).port);
    return startChild(service.name, [], { ...env, PORT: port, BIND_HOST: settings.BIND_HOST }, logger, {
      command: service.command,
    });
  }
  throw new LabError('INTERNAL', `the lab does not start ${service.name} (run: ${service.run})`);
}

/**
 * Checks, before the run, that every service the lab does not start (run: url or compose) answers its
 * health path (a few tries, so a service still warming up is not refused at once).
 * @throws {LabError} `SERVICE_ABSENT`, one line per absent service: its name, URL and what came back
 */
export async function assertDeclaredServicesUp(services: readonly LabService[], settings: Settings): Promise<void> {
  const others = services.filter((s) => s.run === 'url' || s.run === 'compose');
  const problems = await Promise.all(
    others.map(async (s) => {
      const url = labServiceHealthUrl(s, settings);
      let why = '';
      for (let i = 0; i < ABSENT_CHECK.tries; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, ABSENT_CHECK.pauseMs));
        const check = await checkHealth(url, ABSENT_CHECK.timeoutMs);
        if (check.ok) return undefined;
        why = check.why;
      }
      return `tool service "${s.name}" (run: ${s.run}, lab file) is not there: GET ${url} gave ${why}`;
    }),
  );
  const absent = problems.filter((p): p is string => p !== undefined);
  if (absent.length > 0) throw new LabError('SERVICE_ABSENT', absent.join('\n'), { details: { absent } });
}
