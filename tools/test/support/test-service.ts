/**
 * Test support for the tool services: a real service on port 0 with settings in a temp folder, and
 * small JSON request helpers over real sockets.
 */
import type { ServiceName, Settings } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startToolService, type RunningToolService } from '../../src/index.js';

/** A running service and what a test needs around it. */
export interface TestService {
  readonly service: RunningToolService;
  readonly settings: Settings;
  /** The temp folder holding logs for this service. */
  readonly dir: string;
  get(path: string): Promise<JsonResponse>;
  send(method: string, path: string, body: unknown): Promise<JsonResponse>;
  /** Sends `body` as is (a raw string), with the given content type. */
  sendRaw(method: string, path: string, body: string, contentType?: string): Promise<JsonResponse>;
  /** Closes the service and removes its temp folder. */
  close(): Promise<void>;
}

/** An HTTP answer with its parsed JSON body. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Untyped on purpose: the shape of each answer is what the tests assert. */
  // biome-ignore lint/suspicious/noExplicitAny: untyped on purpose (see above); the tests read deep into each answer
  readonly body: any;
}

async function toJson(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('application/json'))
    throw new Error(`expected JSON, got ${response.status} ${type}: ${text.slice(0, 200)}`);
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

/** Starts `name` on a free port with test settings (seed 1, ERROR_PROB 0 unless overridden). */
export async function startTestService(
  name: ServiceName,
  overrides: Record<string, string> = {},
): Promise<TestService> {
  const tmp = makeTempDir(`chaos-lab-${name}-`);
  const settings = testSettings(tmp.path, overrides);
  const service = await startToolService(name, settings, { port: 0 });
  const request = (method: string, path: string, body?: string, contentType = 'application/json') =>
    fetch(`${service.url}${path}`, {
      method,
      body,
      headers: body === undefined ? {} : { 'content-type': contentType },
    }).then(toJson);
  return {
    service,
    settings,
    dir: tmp.path,
    get: (path) => request('GET', path),
    send: (method, path, body) => request(method, path, JSON.stringify(body)),
    sendRaw: (method, path, body, contentType) => request(method, path, body, contentType),
    async close() {
      await service.close();
      tmp.cleanup();
    },
  };
}

/** The query string for `params`, values URL-encoded, with its leading `?`. */
export function query(params: Record<string, string | number>): string {
  return `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}
