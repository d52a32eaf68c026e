/**
 * `chaos-lab up`, what `npm start` runs: the whole lab on one machine without Docker.
 *
 * Same topology as docker-compose, as child processes:
 *
 *   toxiproxy (embedded, or a real one at TOXIPROXY_URL)
 *   7 × tool service ─┐
 *   proxy-manager ────┴─ healthy? ──► agent (runs the prompts) ──► charts + report (in-process)
 *
 * Readiness is decided by health checks only. Ctrl-C/SIGTERM at any moment: the agent is stopped first
 * (it marks the run interrupted and keeps every finished prompt), then the proxy-manager (it removes its
 * toxics), then the rest; no child is left running.
 */
import { join } from 'node:path';
import {
  formatEndpoint,
  isLabError,
  newRunId,
  LabError,
  openDatabase,
  PARENT_PID_VARIABLE,
  proxyEndpoint,
  readDotenv,
  SERVICES,
  toolEndpoint,
  TOXIPROXY_API_PORT,
  writeTransaction,
  type Logger,
  type Settings,
} from '@chaos-lab/common';
import { loadPrompts } from '@chaos-lab/agent/prompts';
import { startChild, type LabChild } from './child.js';
import { assertPortsFree, type PortClaim } from './ports.js';
import { showProgress } from './progress.js';
import { waitUntilHealthy } from './readiness.js';

/** Options of {@link runLab}. */
export interface UpOptions {
  /** Leave the services up after the run, until Ctrl-C. */
  readonly keep: boolean;
  /** Where the console output goes (default process.stdout). */
  readonly out?: NodeJS.WriteStream;
  /** How long each part may take to become healthy, ms (default 15000). */
  readonly readyTimeoutMs?: number;
}

/** Exit codes of `chaos-lab up`. */
export const EXIT = { completed: 0, labFailed: 1, badInput: 2, interrupted: 130 } as const;

/** True when the user named a Toxiproxy (environment or `.env`), so none is started. */
function usesExternalToxiproxy(): boolean {
  return Boolean((process.env.TOXIPROXY_URL ?? readDotenv().TOXIPROXY_URL ?? '').trim());
}

function portClaims(settings: Settings, external: boolean): PortClaim[] {
  const claims: PortClaim[] = SERVICES.map((s) => ({ host: settings.BIND_HOST, port: toolEndpoint(s, settings).port, owner: `${s.name} tool service` }));
  if (!external) {
    claims.push({ host: settings.BIND_HOST, port: TOXIPROXY_API_PORT + settings.PORT_OFFSET, owner: 'Toxiproxy API' });
    for (const s of SERVICES) claims.push({ host: settings.TOXIPROXY_LISTEN_HOST, port: proxyEndpoint(s, settings).port, owner: `${s.proxyName}` });
  }
  claims.push({ host: settings.BIND_HOST, port: settings.PROXY_MANAGER_PORT, owner: 'proxy-manager' });
  return claims;
}

/**
 * Runs the lab once.
 * @returns the process exit code: 0 when the run completed (failed prompts are results), 1 when the
 *   lab failed (a port in use, a part that never became healthy: named in the message), 2 for bad
 *   input (prompts file), 130 when interrupted
 */
export async function runLab(settings: Settings, logger: Logger, options: UpOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  // A closed console (`npm start | head`) is ignored by the CLI; output just stops.
  const say = (line: string) => {
    if (out.writable) out.write(`${line}\n`);
  };
  const startedAt = Date.now();
  const runId = newRunId();
  const external = usesExternalToxiproxy();
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;

  let prompts;
  try {
    prompts = loadPrompts(settings.PROMPTS_FILE);
  } catch (err) {
    if (isLabError(err, 'PROMPTS_INVALID')) {
      say(`chaos-lab: ${err.message}`);
      return EXIT.badInput;
    }
    throw err;
  }

  const children: LabChild[] = [];
  let interrupted: NodeJS.Signals | undefined;
  let onInterrupt!: () => void;
  const interruption = new Promise<void>((resolve) => (onInterrupt = resolve));
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      // Order matters: the agent records the interruption, the proxy-manager clears its toxics, then the rest.
      const byName = (n: string) => children.filter((c) => c.name === n);
      for (const group of [byName('agent'), byName('proxy-manager')]) await Promise.all(group.map((c) => c.stop(10_000)));
      await Promise.all(children.map((c) => c.stop()));
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    onInterrupt();
    say(`\n${signal}: stopping the lab (finished prompts keep their results)…`);
    void stopAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHAOS_SEED: String(settings.CHAOS_SEED),
    PROMPTS_FILE: settings.PROMPTS_FILE,
    LOG_CONSOLE: 'off',
    [PARENT_PID_VARIABLE]: String(process.pid),
  };
  const db = openDatabase(settings.LAB_DB_PATH);
  try {
    say(`Agent Chaos Lab: run ${runId}, seed ${settings.CHAOS_SEED}${settings.seedGiven ? '' : ' (fresh; repeat with --seed)'}, ${prompts.length} prompts`);
    say(`TOXIC_PROB=${settings.TOXIC_PROB} ERROR_PROB=${settings.ERROR_PROB} TOXICS=${settings.TOXICS.join(',')} TOOL_LIMIT=${settings.TOOL_LIMIT} PROMPT_LIMIT=${settings.PROMPT_LIMIT}`);
    await assertPortsFree(portClaims(settings, external));

    const ready: Promise<void>[] = [];
    const watch = (child: LabChild, url: string) => {
      children.push(child);
      ready.push(
        waitUntilHealthy(url, { name: child.name, timeoutMs: readyTimeoutMs, abandon: child.exited }).then(() =>
          logger.info({ child: child.name, readyMs: Date.now() - startedAt }, 'healthy'),
        ),
      );
    };
    if (!external) watch(startChild('toxiproxy', ['toxiproxy'], env, logger), `${settings.TOXIPROXY_URL}/version`);
    else ready.push(waitUntilHealthy(`${settings.TOXIPROXY_URL}/version`, { name: 'Toxiproxy', timeoutMs: readyTimeoutMs }));
    for (const s of SERVICES) watch(startChild(s.name, ['tool', s.name], env, logger), `http://${formatEndpoint(toolEndpoint(s, settings))}/health`);
    watch(startChild('proxy-manager', ['proxy-manager'], env, logger), `${settings.PROXY_MANAGER_URL}/health`);
    // The agent loads (LangChain takes a while) while the rest comes up, and starts on "go".
    const agent = startChild('agent', ['agent', '--run-id', runId, '--wait-for-go'], env, logger, { stdin: true });
    children.push(agent);
    const agentGaveUp = agent.exited.then((why) => Promise.reject(new LabError('NOT_READY', `the agent ${why} before the lab was ready`)));
    await Promise.race([Promise.all(ready), agentGaveUp]).catch((err: unknown) => {
      // The agent's own one-line reason (bad prompts, groq without a key…) says more than its exit code.
      if (agent.hasExited() && agent.stderr.length > 0) throw new LabError('NOT_READY', agent.stderr.join('\n'), { details: { exitCode: agent.exitCode() } });
      throw err;
    });
    if (interrupted) return EXIT.interrupted;
    say(`lab ready in ${Date.now() - startedAt} ms; running the agent (${settings.LLM_PROVIDER === 'auto' ? (settings.GROQ_API_KEY ? 'groq' : 'offline') : settings.LLM_PROVIDER} model)`);
    agent.send('go');
    const progress = showProgress(db, runId, out, { tty: Boolean(out.isTTY) });
    await agent.exited;
    progress.stop();
    markUnfinished(db, runId);
    if (interrupted) {
      await stopAll();
      say(`run ${runId} interrupted; finished prompts are in ${settings.LAB_DB_PATH}`);
      return EXIT.interrupted;
    }
    const agentCode = agent.exitCode();
    for (const line of agent.stdout) say(line);
    if (agentCode !== 0) {
      for (const line of agent.stderr) say(line);
      say(`chaos-lab: the agent ${await agent.exited}; see ${join(settings.LOG_DIR, 'info.log')}`);
      return agentCode === 2 ? EXIT.badInput : EXIT.labFailed;
    }
    // Loaded only now: vega and resvg would cost the start-up half a second.
    const { renderCharts } = await import('../charts/index.js');
    const charts = await renderCharts({ db, runId, outDir: settings.CHARTS_DIR, logger });
    say('');
    say(`logs:     ${join(settings.LOG_DIR, 'info.log')}, ${join(settings.LOG_DIR, 'agent.log')}`);
    say(`database: ${settings.LAB_DB_PATH}`);
    say(`charts:   ${settings.CHARTS_DIR} (${charts.files.length} files)`);
    say(`report:   ${charts.indexHtml}`);
    if (options.keep) {
      say('services left running (--keep); press Ctrl-C to stop them');
      await interruption;
    }
    return EXIT.completed;
  } catch (err) {
    if (interrupted) return EXIT.interrupted;
    if (isLabError(err, 'PORT_IN_USE') || isLabError(err, 'NOT_READY')) {
      say(`chaos-lab: ${err.message}`);
      logger.error({ err }, 'lab failed to start');
      return err.details?.exitCode === 2 ? EXIT.badInput : EXIT.labFailed;
    }
    throw err;
  } finally {
    await stopAll();
    markUnfinished(db, runId);
    db.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * A run whose agent died without finishing its records (killed hard) is marked interrupted, so no run
 * stays `running` forever; prompts already finished keep their rows.
 */
function markUnfinished(db: ReturnType<typeof openDatabase>, runId: string): void {
  writeTransaction(db, () => {
    const now = Date.now();
    db.prepare("UPDATE runs SET status = 'interrupted', finished_at = ? WHERE run_id = ? AND status = 'running'").run(now, runId);
    db.prepare("UPDATE control SET phase = 'done', updated_at = ? WHERE run_id = ? AND phase != 'done'").run(now, runId);
  });
}

