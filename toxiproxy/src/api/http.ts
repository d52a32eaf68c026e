/**
 * HTTP plumbing of the API: reading bodies and writing responses exactly as Toxiproxy 2.12.0 (a Go
 * `net/http` server) does: JSON without a trailing newline, errors through Go's `http.Error` (plain-text
 * content type, `nosniff`, body plus newline), 204s without a body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeGoJson } from '../json/go-encode.js';
import { type ApiError, ErrBadRequestBody } from './errors.js';

/** What a handler answers. */
export interface Reply {
  status: number;
  /** Response headers besides the request id. */
  headers?: Record<string, string>;
  body?: string;
}

/** Largest request body read (16 MiB); a bigger one is a bad request. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A JSON reply (`application/json`). */
export function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: encodeGoJson(value) };
}

/** A reply through Go's `http.Error`: plain text, `nosniff`, the message and a newline. */
export function textErrorReply(status: number, message: string): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    body: `${message}\n`,
  };
}

/** An API error: `{"error": message, "status": code}` through `http.Error`. */
export function apiErrorReply(err: ApiError): Reply {
  return textErrorReply(err.status, encodeGoJson({ error: err.message, status: err.status }));
}

/** An empty reply (204, 405). */
export function emptyReply(status: number): Reply {
  return { status };
}

/**
 * Reads a request body as text (UTF-8).
 * @throws {ApiError} 400 `bad request body: …` when it is larger than 16 MiB or the client aborts
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(ErrBadRequestBody.join('http: request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (failed) return;
      failed = true;
      reject(ErrBadRequestBody.join(err.message));
    });
  });
}

/** Writes a reply, with the request id on every response; a reply that cannot be written drops the connection. */
export function sendReply(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  try {
    writeReply(res, reply, requestId);
  } catch {
    res.destroy();
  }
}

function writeReply(res: ServerResponse, reply: Reply, requestId: string): void {
  res.setHeader('X-Toxiproxy-Request-Id', requestId);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    if (reply.status !== 204 && reply.status !== 304) res.setHeader('Content-Length', '0');
    res.writeHead(reply.status);
    res.end();
    return;
  }
  const body = Buffer.from(reply.body, 'utf8');
  res.setHeader('Content-Length', String(body.length));
  res.writeHead(reply.status);
  res.end(body);
}
