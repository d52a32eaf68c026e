/**
 * A scripted HTTP server on 127.0.0.1, port 0, for tests of the agent's HTTP attempts: each request is
 * recorded and answered by the next step of a script (the last step repeats).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Endpoint } from '@chaos-lab/common';

/** How the stub treats one request. */
export type StubStep =
  | { readonly status: number; readonly body?: unknown }
  /** Never answers (until the client gives up). */
  | 'hang'
  /** Destroys the connection without an answer. */
  | 'reset';

/** A request the stub received. */
export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

/** A running stub. */
export interface StubServer {
  readonly endpoint: Endpoint;
  readonly requests: StubRequest[];
  close(): Promise<void>;
}

/** Starts a stub answering with `script`, step by step. */
export async function startStub(script: readonly StubStep[]): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const step = script[Math.min(requests.length, script.length - 1)]!;
      requests.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      if (step === 'hang') return;
      if (step === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(step.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(step.body ?? {}));
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

/** An endpoint where nothing listens: a port that was free a moment ago. */
export async function closedEndpoint(): Promise<Endpoint> {
  const stub = await startStub([{ status: 200 }]);
  await stub.close();
  return stub.endpoint;
}
