/**
 * The proxy-manager's fault schedule for the agent's tests, without Toxiproxy: a {@link FaultSchedule}
 * behind the manager's own HTTP API (`POST /calls`) on port 0, with the `LLM_FAULT_*` settings as plan
 * entries, as `npm start` has it. The model gateway announces each model request to it and reads the
 * `llm` events it opens. Plans with toxics need the real manager: this one has no Toxiproxy.
 */
import { createServer } from 'node:http';
import { createLogger, listenOn, openDatabase, type Settings } from '@chaos-lab/common';
import { createApp, FaultSchedule, llmFaultsFromSettings, systemClock } from '@chaos-lab/proxy-manager';

/** A running schedule: its URL (the `PROXY_MANAGER_URL` of the lab's parts) and `close()`. */
export interface TestSchedule {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the schedule on a free port, recording into `settings.LAB_DB_PATH`. */
export async function startTestSchedule(settings: Settings): Promise<TestSchedule> {
  const db = openDatabase(settings.LAB_DB_PATH);
  const logger = createLogger({ name: 'proxy-manager', settings });
  const noToxiproxy = new Proxy({}, { get: () => () => Promise.reject(new Error('the test schedule has no Toxiproxy')) });
  const schedule = new FaultSchedule({ db, gateway: noToxiproxy as never, clock: systemClock, logger, settingsFaults: llmFaultsFromSettings(settings) });
  const unused = () => Promise.reject(new Error('not served by the test schedule'));
  const server = createServer(createApp({ health: unused, status: unused, announce: (a) => schedule.announce(a), logger }));
  const port = await listenOn(server, 0, '127.0.0.1', 'test schedule');
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await schedule.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      db.close();
    },
  };
}
