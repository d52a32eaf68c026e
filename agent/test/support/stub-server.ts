/**
 * A scripted HTTP server on 127.0.0.1, port 0, for tests of the agent's HTTP attempts: each request is
 * recorded and answered by the next step of a script (the last step repeats). The failing steps do
 * to the socket what a toxic or a dying service does, so the client sees the real thing.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Endpoint } from '@chaos-lab/common';

/** How the stub treats one request. */
export type StubStep =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** Never answers (until the client gives up). */
  | 'hang'
  /** Closes the connection (FIN) without a byte of answer. */
  | 'close'
  /** Sends the status line, headers and part of the body, then closes the connection (FIN). */
  | 'close-mid-body'
  /** Resets the connection (TCP RST) without an answer. */
  | 'reset';

/** A request the stub received. */
export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  /** Its `X-Request-Id` header, if any. */
  readonly requestId: string | undefined;
  /** When it arrived (its body complete), `performance.now()` ms. */
  readonly at: number;
}

/** A running stub. */
export interface StubServer {
  readonly endpoint: Endpoint;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

function answer(step: StubStep, req: IncomingMessage, res: ServerResponse): void {
  switch (step) {
    case 'hang':
      return;
    case 'close':
      req.socket.end();
      return;
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'close-mid-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":', () => req.socket.end());
      return;
    default:
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(JSON.stringify(step.body ?? {}));
  }
}

/** Starts a stub answering with `script`, step by step. */
export async function startStub(script: readonly StubStep[]): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const step = script[Math.min(requests.length, script.length - 1)]!;
      const requestId = req.headers['x-request-id'];
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        requestId: typeof requestId === 'string' ? requestId : undefined,
        at: performance.now(),
      });
      answer(step, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { host: '127.0.0.1', port },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Stubs for one test file: `stub(...script)` starts one ({@link startStub}), `closeAll()` (in `after`)
 * closes every one started.
 */
export function stubPool(): { stub(...script: StubStep[]): Promise<StubServer>; closeAll(): Promise<void> } {
  const started: StubServer[] = [];
  return {
    async stub(...script) {
      const s = await startStub(script);
      started.push(s);
      return s;
    },
    async closeAll() {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}

/** An endpoint where nothing listens: a port that was free a moment ago. */
export async function closedEndpoint(): Promise<Endpoint> {
  const stub = await startStub([{ status: 200 }]);
  await stub.close();
  return stub.endpoint;
}
