/**
 * `chaos-lab up`, what `npm start` runs: the whole lab on one machine without Docker.
 *
 * Same topology as docker-compose, as child processes:
 *
 *   toxiproxy (embedded, or a real one at TOXIPROXY_URL)
 *   7 × tool service ─┐
 *   model server ─────┤ (the offline model and its LLM fault gateway, when the agent uses it)
 *   proxy-manager ────┴─ healthy? ──► agent (runs the prompts) ──► charts + report (in-process)
 *
 * Before anything starts, the lab claims its span of ports (common/src/port-claims.ts: an offset that
 * overlaps a running lab's is refused) and checks each port it binds (ports.ts).
 * Readiness is decided by health checks only. Ctrl-C/SIGTERM at any moment: the agent is stopped first
 * (it marks the run interrupted and keeps every finished prompt), then the proxy-manager (it removes its
 * toxics), then the rest; no child is left running (stop.ts). During the run a part that dies is named
 * at once (supervisor.ts): a dead Toxiproxy or proxy-manager stops the run as `failed`, a dead tool
 * service is a `service_down` fault and is restarted. Whatever stopped the run, its record is completed
 * (run-record.ts: one row per prompt, counts from the rows, no open toxic event) and its charts and
 * report are rendered.
 */
import { join } from 'node:path';
import {
  claimLabSpan,
  formatEndpoint,
  isLabError,
  labService,
  liveRun,
  liveRunMessage,
  MODEL_PART,
  modelServerEndpoint,
  newRunId,
  LabError,
  openDatabase,
  PARENT_PID_VARIABLE,
  partStarted,
  labServices,
  type Database,
  type Logger,
  type Settings,
} from '@chaos-lab/common';
import { loadPrompts, type Prompt } from '@chaos-lab/agent/prompts';
import { stopLeftAgentCommand } from './agent-command.js';
import { startChild, type LabChild } from './child.js';
import { assertDeclaredServicesUp, labServiceHealthUrl, spawnToolService } from './declared-services.js';
import { startLabDashboard } from './dashboard.js';
import { assertPortsFree } from './ports.js';
import { showProgress } from './progress.js';
import { waitUntilAllHealthy, type AwaitedPart } from './readiness.js';
import { abortedBySteering, finishRecord, renderReport } from './run-end.js';
import type { RunEnding } from './run-record.js';
import { LabStop, RECORD_KEEPER_GRACE_MS } from './stop.js';
import { PartSupervisor } from './supervisor.js';
import { portClaims, usesExternalToxiproxy, usesModelServer } from './topology.js';

/** Options of {@link runLab}. */
export interface UpOptions {
  /** Leave the services up after the run, until Ctrl-C. */
  readonly keep: boolean;
  /** Where the console output goes (default process.stdout). */
  readonly out?: NodeJS.WriteStream;
  /** How long each part may take to become healthy, ms (default STARTUP_TIMEOUT_MS). */
  readonly readyTimeoutMs?: number;
  /** The run's id (default: a fresh one, `newRunId`). */
  readonly runId?: string;
  /** Called once the database is open and no other run is live, before any part starts (an experiment writes the run's fault plan here). */
  readonly beforeRun?: (db: Database, runId: string) => void;
  /** Called when the agent has finished, while every service still runs (an experiment reads the services' writes here). Errors are logged. */
  readonly beforeStop?: (runId: string) => Promise<void>;
  /** false: no charts and report at the end (exploration runs; `chaos-lab charts --run ID` renders them later). Default true. */
  readonly report?: boolean;
}

/** Exit codes of `chaos-lab up` (a signal: 128 + its number, see `STOP_SIGNALS` in stop.ts). */
export const EXIT = { completed: 0, labFailed: 1, badInput: 2, abortedBySteering: 130 } as const;

/**
 * Runs the lab once.
 * @returns the process exit code: 0 when the run completed (failed prompts are results), 1 when the
 *   lab failed (a port in use, a part that never became healthy or died during the run: named in the
 *   message), 2 for bad input (prompts file, another run live on the database), 130 on SIGINT or an abort through steering, 143 on
 *   SIGTERM, 129 on SIGHUP
 */
export async function runLab(settings: Settings, logger: Logger, options: UpOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  // A closed console (`npm start | head`) is ignored by the CLI; output just stops.
  const say = (line: string) => {
    if (out.writable) out.write(`${line}\n`);
  };
  const startedAt = Date.now();
  const runId = options.runId ?? newRunId();
  const external = usesExternalToxiproxy();
  const readyTimeoutMs = options.readyTimeoutMs ?? settings.STARTUP_TIMEOUT_MS;

  let prompts: Prompt[];
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
  const stop = new LabStop(children, say);
  stop.install();
  let supervisor: PartSupervisor | undefined;
  let dashboard: Awaited<ReturnType<typeof startLabDashboard>>;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CHAOS_SEED: String(settings.CHAOS_SEED),
    PROMPTS_FILE: settings.PROMPTS_FILE,
    LOG_CONSOLE: 'off',
    [PARENT_PID_VARIABLE]: String(process.pid),
  };
  // Each tool's pid goes to `parts` (`tool:<service>`): the fault plan's service faults signal it.
  const toolChild = (name: string) => {
    const child = spawnToolService(labService(settings, name), settings, env, logger);
    if (child.process.pid !== undefined) partStarted(db, `tool:${name}`, child.process.pid, Date.now());
    return child;
  };
  const toolHealth = (name: string) => labServiceHealthUrl(labService(settings, name), settings);
  const db = openDatabase(settings.LAB_DB_PATH);
  let releaseSpan: (() => void) | undefined;
  try {
    const other = liveRun(db, Date.now(), settings.HEARTBEAT_STALE_MS);
    if (other) {
      say(`chaos-lab: ${liveRunMessage(other, settings.LAB_DB_PATH)}`);
      return EXIT.badInput;
    }
    // Before the banner: a refusal is the only line printed. Another lab's span first: its ports in
    // use would otherwise be named one by one, without the offset that is safe.
    releaseSpan = claimLabSpan(settings.PORT_OFFSET, settings.LAB_DB_PATH);
    await assertPortsFree(portClaims(settings, external));
    options.beforeRun?.(db, runId);
    say(
      `Agent Chaos Lab: run ${runId}, seed ${settings.CHAOS_SEED}${settings.seedGiven ? '' : ' (fresh; repeat with --seed)'}, ${prompts.length} prompts`,
    );
    say(
      `TOXIC_PROB=${settings.TOXIC_PROB} ERROR_PROB=${settings.ERROR_PROB} TOXICS=${settings.TOXICS.join(',')} TOOL_LIMIT=${settings.TOOL_LIMIT} PROMPT_LIMIT=${settings.PROMPT_LIMIT}`,
    );
    dashboard = await startLabDashboard(settings, logger, say);

    const awaited: AwaitedPart[] = [];
    const watch = (child: LabChild, url: string) => {
      children.push(child);
      awaited.push({ name: child.name, url, exited: child.exited });
    };
    if (!external) watch(startChild('toxiproxy', ['toxiproxy'], env, logger), `${settings.TOXIPROXY_URL}/version`);
    else awaited.push({ name: 'Toxiproxy', url: `${settings.TOXIPROXY_URL}/version` });
    // Someone else's services (run: url or compose) must already answer: one that does not is named now.
    await assertDeclaredServicesUp(labServices(settings), settings);
    for (const s of labServices(settings))
      if (s.run === 'builtin' || s.run === 'command') watch(toolChild(s.name), toolHealth(s.name));
    if (usesModelServer(settings))
      watch(
        startChild(MODEL_PART.name, ['model'], env, logger),
        `http://${formatEndpoint(modelServerEndpoint(settings))}/health`,
      );
    watch(startChild('proxy-manager', ['proxy-manager'], env, logger), `${settings.PROXY_MANAGER_URL}/health`);
    // The agent loads (LangChain takes a while) while the rest comes up, and starts on "go".
    const agent = startChild('agent', ['agent', '--run-id', runId, '--wait-for-go'], env, logger, { stdin: true });
    children.push(agent);
    const agentGaveUp = agent.exited.then((why) =>
      Promise.reject(new LabError('NOT_READY', `the agent ${why} before the lab was ready`)),
    );
    const cancelReady = new AbortController();
    const ready = waitUntilAllHealthy(awaited, {
      timeoutMs: readyTimeoutMs,
      say,
      logFile: join(settings.LOG_DIR, 'info.log'),
      signal: cancelReady.signal,
      onHealthy: (name) => logger.info({ child: name, readyMs: Date.now() - startedAt }, 'healthy'),
    });
    await Promise.race([ready, agentGaveUp]).catch((err: unknown) => {
      cancelReady.abort(err);
      // The agent's own one-line reason (bad prompts, groq without a key…) says more than its exit code.
      if (agent.hasExited() && agent.stderr.length > 0)
        throw new LabError('NOT_READY', agent.stderr.join('\n'), { details: { exitCode: agent.exitCode() } });
      throw err;
    });
    if (stop.signal) return stop.exitCode()!;

    supervisor = new PartSupervisor({
      db,
      runId,
      logger,
      say,
      children,
      restart: settings.RESTART_SERVICES === 'on',
      startTool: toolChild,
      // A built-in tool's standby for planned kills: loaded, listening on "go" (supervisor.ts).
      prepareTool: (name) =>
        labService(settings, name).run === 'builtin'
          ? startChild(name, ['tool', name, '--wait-for-go'], env, logger, { stdin: true })
          : undefined,
      healthUrl: toolHealth,
      readyTimeoutMs,
    });
    if (external) supervisor.watchUrl(`${settings.TOXIPROXY_URL}/version`, 'the Toxiproxy server');
    for (const child of children) {
      if (child.name === 'toxiproxy') supervisor.watchCritical(child, 'the Toxiproxy server');
      else if (child.name === 'proxy-manager') supervisor.watchCritical(child, 'the proxy-manager');
      else if (child.name === MODEL_PART.name) supervisor.watchCritical(child, 'the model server');
      else if (child.name !== 'agent') supervisor.watchTool(child, child.name);
    }
    say(
      `lab ready in ${Date.now() - startedAt} ms; running the agent (${settings.LLM_PROVIDER === 'auto' ? (settings.GROQ_API_KEY ? 'groq' : 'offline') : settings.LLM_PROVIDER} model${usesModelServer(settings) ? ` at ${MODEL_PART.proxyName}` : ''})`,
    );
    agent.send('go');
    const progress = showProgress(db, runId, out, { tty: Boolean(out.isTTY) });
    const lost = await Promise.race([agent.exited.then(() => undefined), supervisor.lost]);
    // A dead part: the agent stops as on Ctrl-C, recording its unfinished prompts.
    if (lost !== undefined) await agent.stop(RECORD_KEEPER_GRACE_MS);
    const agentEnd = await agent.exited;
    progress.stop();
    supervisor.stop();
    // Read before the stop below marks every child as stopping. The agent's own non-zero exit after
    // recording its run (a dead model: exit 1) keeps its recorded reason (see completeRunRecord).
    // An abort through steering ends the agent as Ctrl-C does (exit 130, the run interrupted): not a death.
    const aborted = abortedBySteering(db, runId);
    const agentDied = !agent.stopping() && agent.exitCode() !== 0 && !aborted;
    if (agentDied && agent.exitCode() === null)
      say(`chaos-lab: the agent died (${agentEnd}) during the run: stopping the lab`);
    const keepServices = options.keep && lost === undefined && !stop.signal && !agentDied;
    if (options.beforeStop && !stop.signal)
      await options.beforeStop(runId).catch((err: unknown) => logger.error({ err }, 'beforeStop failed'));
    // Before the report: the proxy-manager's toxics are removed and their events closed.
    if (!keepServices) await stop.stopAll();
    const ending: RunEnding = lost
      ? { status: 'failed', reason: lost.reason }
      : stop.signal
        ? { status: 'interrupted', reason: null }
        : agentDied
          ? { status: 'failed', reason: `the agent died (${agentEnd}) during the run` }
          : { status: 'completed', reason: null };
    const recorded = finishRecord(db, runId, prompts, ending, say, lost);
    const status = recorded?.status;

    for (const line of agent.stdout) say(line);
    if (agent.exitCode() !== 0 && !stop.signal) for (const line of agent.stderr) say(line);
    if (status === undefined) {
      // The agent refused the run before recording it (its one line is above).
      say(`chaos-lab: the agent ${agentEnd}; see ${join(settings.LOG_DIR, 'info.log')}`);
      return agent.exitCode() === 2 ? EXIT.badInput : EXIT.labFailed;
    }
    if (options.report !== false) await renderReport(settings, db, runId, logger, say);
    if (stop.signal) {
      say(`run ${runId} ${status}; finished prompts are in ${settings.LAB_DB_PATH}`);
      return stop.exitCode()!;
    }
    if (aborted && status === 'interrupted') {
      say(`run ${runId} interrupted: aborted through steering; finished prompts are in ${settings.LAB_DB_PATH}`);
      return EXIT.abortedBySteering;
    }
    if (status === 'failed') {
      say(
        `chaos-lab: run ${runId} failed: ${recorded!.error ?? ending.reason}; see ${join(settings.LOG_DIR, 'info.log')}`,
      );
      return EXIT.labFailed;
    }
    if (keepServices) {
      say('services left running (--keep); press Ctrl-C to stop them');
      await stop.requested;
    }
    return EXIT.completed;
  } catch (err) {
    if (stop.signal) return stop.exitCode()!;
    if (isLabError(err, 'SETTINGS_INVALID')) {
      say(`chaos-lab: invalid settings\n${err.message}`);
      return EXIT.badInput;
    }
    if (isLabError(err, 'PORT_IN_USE') || isLabError(err, 'NOT_READY') || isLabError(err, 'SERVICE_ABSENT')) {
      say(`chaos-lab: ${err.message}`);
      logger.error({ err }, 'lab failed to start');
      return err.details?.exitCode === 2 ? EXIT.badInput : EXIT.labFailed;
    }
    throw err;
  } finally {
    supervisor?.stop();
    await stop.stopAll();
    await stopLeftAgentCommand(db, say).catch((err: unknown) =>
      logger.error({ err }, 'the agent command could not be stopped'),
    );
    await dashboard?.close();
    finishRecord(db, runId, prompts, { status: 'interrupted', reason: null }, say);
    releaseSpan?.();
    db.close();
    stop.uninstall();
  }
}
