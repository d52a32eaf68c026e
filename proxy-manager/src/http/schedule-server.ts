/**
 * The fault schedule alone, behind the manager's own HTTP API (`POST /calls`) on a port of its own,
 * without Toxiproxy: the schedule the model gateway announces model requests to, for the tests and
 * the benchmark of the model path. Faults that act only through the record (`llm`, `http_error`) fire
 * as in a full manager; a `toxic` fault cannot be put in place (logged as not fired). `GET /health`
 * and `/status` are not served (500).
 */
import { createServer } from 'node:http';
import { createLogger, listenOn, openDatabase, type Settings } from '@chaos-lab/common';
import { createApp } from '../app.js';
import { systemClock } from '../util/clock.js';
import { FaultSchedule } from '../schedule/fault-schedule.js';
import { llmFaultsFromSettings } from '../schedule/faults/llm-settings.js';
import type { ToxiproxyGateway } from '../toxiproxy/gateway.js';

/** A running schedule: its URL (the `PROXY_MANAGER_URL` of the parts that announce) and `close()`. */
export interface ScheduleServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the schedule on 127.0.0.1, recording into `settings.LAB_DB_PATH`, with the `LLM_FAULT_*`
 * settings as plan entries.
 * @param port default 0 (a free one)
 * @throws {LabError} `PORT_IN_USE` when the port is taken
 */
export async function startScheduleServer(settings: Settings, port = 0): Promise<ScheduleServer> {
  const db = openDatabase(settings.LAB_DB_PATH);
  const logger = createLogger({ name: 'proxy-manager', settings });
  const noToxiproxy = new Proxy(
    {},
    { get: () => () => Promise.reject(new Error('this schedule has no Toxiproxy')) },
  ) as ToxiproxyGateway;
  const schedule = new FaultSchedule({
    db,
    gateway: noToxiproxy,
    clock: systemClock,
    logger,
    settingsFaults: llmFaultsFromSettings(settings),
  });
  const unserved = () => Promise.reject(new Error('not served by the schedule alone'));
  const server = createServer(
    createApp({ health: unserved, status: unserved, announce: (a) => schedule.announce(a), logger }),
  );
  const bound = await listenOn(server, port, '127.0.0.1', 'fault schedule');
  return {
    url: `http://127.0.0.1:${bound}`,
    async close() {
      await schedule.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
