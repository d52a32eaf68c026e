// A planned service kill of D keeps the service out for D and no longer: the proxy-manager's fault
// schedule kills the real weather service (a `chaos-lab tool weather` child) for 2 s, the launcher's
// supervisor keeps a standby of it (loaded, waiting for `go`, since the plan kills it) and says `go` ahead of the
// fault's due end by the go-to-healthy time it measured, and the record holds the real outage (exit to
// the first healthy answer) on the planned event and the service_down. Twice: the second learns from
// the first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createLogger,
  labService,
  openDatabase,
  partStarted,
  writeFaultPlan,
  type Database,
  type Settings,
} from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { FaultSchedule, systemClock } from '@chaos-lab/proxy-manager';
import { startChild, type LabChild } from '../src/launcher/child.js';
import { labServiceHealthUrl } from '../src/launcher/declared-services.js';
import { waitUntilHealthy } from '../src/launcher/readiness.js';
import { PartSupervisor } from '../src/launcher/supervisor.js';
import { cliEnvironment } from './support/cli.js';
import { labBaseEnv, waitFor } from './support/lab-run.js';

const FAULT_MS = 2000;
const TOLERANCE_MS = 500;

describe('a planned service kill of 2 s', () => {
  const temp = makeTempDir('service-outage-');
  const children: LabChild[] = [];
  const said: string[] = [];
  const standbys: LabChild[] = [];
  /** Until the newest standby has loaded (in a run, the lab's start and its first prompts give it that time). */
  const standbyLoaded = () =>
    waitFor(
      'a loaded standby',
      () => standbys.at(-1)?.stdout.some((line) => line.includes('waiting for "go"')),
      60_000,
    );
  let settings: Settings;
  let db: Database;
  let supervisor: PartSupervisor | undefined;
  let schedule: FaultSchedule | undefined;

  before(async () => {
    const env = cliEnvironment(await labBaseEnv(temp.path));
    settings = testSettings(temp.path, env);
    db = openDatabase(settings.LAB_DB_PATH);
    const logger = createLogger({ name: 'launcher', settings });
    const toolChild = (name: string): LabChild => {
      const child = startChild(name, ['tool', name], env, logger);
      partStarted(db, `tool:${name}`, child.process.pid!, Date.now());
      return child;
    };
    const healthUrl = (name: string) => labServiceHealthUrl(labService(settings, name), settings);
    // The tool's start-up on this machine: the first estimate of a restart, as the launcher measures it.
    const startedAt = Date.now();
    const weather = toolChild('weather');
    children.push(weather);
    await waitUntilHealthy(healthUrl('weather'), { name: 'weather', timeoutMs: 60_000, intervalMs: 20 });
    const startupMs = Date.now() - startedAt;
    db.prepare('INSERT INTO runs (run_id, started_at, seed) VALUES (?, ?, ?)').run('outage-run', Date.now(), 7);
    writeFaultPlan(db, 'outage-run', {
      faults: [1, 2].map((n) => ({
        kind: 'service' as const,
        name: `kill-${n}`,
        action: 'kill' as const,
        targets: ['weather' as const],
        trigger: { kind: 'call' as const, tool: 'get_weather' as const, n, attempts: 1, durationMs: FAULT_MS },
      })),
    });
    supervisor = new PartSupervisor({
      db,
      runId: 'outage-run',
      logger,
      say: (line) => said.push(line),
      children,
      restart: true,
      startTool: toolChild,
      healthUrl,
      readyTimeoutMs: 60_000,
      restartEstimateMs: startupMs,
      prepareTool: (name) => {
        const child = startChild(name, ['tool', name, '--wait-for-go'], env, logger, { stdin: true });
        standbys.push(child);
        return child;
      },
    });
    supervisor.watchTool(weather, 'weather');
    // A service fault never reaches Toxiproxy.
    const noToxiproxy = {} as ConstructorParameters<typeof FaultSchedule>[0]['gateway'];
    schedule = new FaultSchedule({ db, gateway: noToxiproxy, clock: systemClock, logger });
  });
  after(async () => {
    await schedule?.stop();
    supervisor?.stop();
    await Promise.all(children.map((c) => c.stop()));
    db?.close();
    temp.cleanup();
  });

  it('keeps the service out for 2 s ± 0.5 s, twice, and records the real outage', async () => {
    const outages: string[] = [];
    for (const n of [1, 2]) {
      await standbyLoaded();
      await schedule!.announce({
        runId: 'outage-run',
        promptIndex: 0,
        tool: 'get_weather',
        callId: `c${n}`,
        attempt: 1,
      });
      const row = await waitFor(
        `the outage of kill-${n}`,
        () =>
          db
            .prepare(
              `SELECT p.outage_ms AS planned, p.due_at - p.started_at AS dueMs, d.outage_ms AS down,
                      p.ended_at AS plannedEnd, p.ended_by AS endedBy, d.ended_at AS downEnd
                 FROM fault_events p, fault_events d
                WHERE p.fault = ? AND p.outage_ms IS NOT NULL AND d.kind = 'service_down' AND d.ended_by = 'restarted'
                  AND d.started_at >= p.started_at - 100 ORDER BY d.id LIMIT 1`,
            )
            .get(`kill-${n}`) as
            | { planned: number; dueMs: number; down: number; plannedEnd: number; endedBy: string; downEnd: number }
            | undefined,
        30_000,
      );
      outages.push(`kill-${n}: outage ${row.planned} ms (service_down ${row.down} ms, due after ${row.dueMs} ms)`);
      assert.ok(
        Math.abs(row.planned - FAULT_MS) <= TOLERANCE_MS,
        `kill-${n}: outage ${row.planned} ms, want ${FAULT_MS} ± ${TOLERANCE_MS} ms; the launcher said: ${said.join(' | ')}`,
      );
      assert.equal(row.down, row.planned, 'the service_down event measures the same outage');
      assert.deepEqual(
        [row.endedBy, row.plannedEnd],
        ['duration', row.downEnd],
        'the kill lasts until the service answers again',
      );
    }
    console.log([...outages, ...said.filter((line) => line.includes('back after'))].join('\n'));
  });
});
