/**
 * Shared by the model server's tests: a server on port 0 with a given fault source, in a temporary
 * lab folder (with a migrated database), and a completions request helper.
 */
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { migrate, openDatabase, type Settings } from '@chaos-lab/common';
import { startModelServer, type LlmFault, type LlmFaultSource, type RunningModelServer } from '../../src/index.js';

/** A running server and its folder; `close()` stops it and removes the folder. */
export interface TestModelServer {
  readonly server: RunningModelServer;
  readonly settings: Settings;
  close(): Promise<void>;
}

/**
 * Starts a model server whose every request (or those `when` picks) gets `fault` (a function: the
 * fault it returns at each request).
 */
export async function startTestModelServer(
  fault?: LlmFault | (() => LlmFault | undefined),
  when: (call: number) => boolean = () => true,
  overrides: Record<string, string> = {},
): Promise<TestModelServer> {
  const tmp = makeTempDir('model-test-');
  const settings = testSettings(tmp.path, overrides);
  const db = openDatabase(settings.LAB_DB_PATH);
  migrate(db);
  db.close();
  const faults: LlmFaultSource = ({ callNumber }) =>
    when(callNumber) ? (typeof fault === 'function' ? fault() : fault) : undefined;
  const server = await startModelServer(settings, { port: 0, host: '127.0.0.1', faults });
  return {
    server,
    settings,
    async close() {
      await server.close();
      tmp.cleanup();
    },
  };
}

/** The weather tool as an OpenAI tool definition. */
export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'the weather now in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
} as const;

/** POSTs a chat completion request. */
export function complete(
  server: RunningModelServer,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model: 'chaos-lab-offline',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [WEATHER_TOOL],
      ...body,
    }),
    signal,
  });
}
