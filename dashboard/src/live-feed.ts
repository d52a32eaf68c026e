/**
 * The live feed: server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html)
 * carrying the current run's page whenever its record changes.
 *
 *   every pollMs ─► fingerprint of the current run (one cheap query) ─► changed? ─► build its RunView
 *                                                                            └─► `event: run` to every client
 *
 * The record is the one source: the agent, the proxy-manager, the launcher and, for an agent over HTTP,
 * the services (`service_requests`, tied to its prompts) write it (WAL, so this reader never blocks
 * them), and the feed notices a row within `pollMs`. A new client gets the latest
 * page at once. A failed read is sent as `event: problem` and retried at the next poll.
 */
import type { ServerResponse } from 'node:http';
import type { Database, Logger } from '@chaos-lab/common';
import { runView, type RunView } from '@chaos-lab/report';

/** What the feed reads. */
export interface LiveFeedDeps {
  readonly db: Database;
  readonly logger: Logger;
  /** Poll period, ms. */
  readonly pollMs: number;
}

/** One query that changes whenever a row of the current run is written or closed. */
const FINGERPRINT_SQL = `
  SELECT c.run_id AS runId,
         c.phase || ':' || coalesce(c.current_prompt, '') || ':' || r.status || ':' || coalesce(r.finished_at, '') || ':' ||
         (SELECT COUNT(*) FROM prompt_results WHERE run_id = c.run_id) || ':' ||
         (SELECT coalesce(max(id), 0) FROM tool_calls WHERE run_id = c.run_id) || ':' ||
         (SELECT COUNT(*) || '/' || COUNT(status) FROM service_requests WHERE run_id = c.run_id) || ':' ||
         (SELECT COUNT(*) || '/' || COUNT(ended_at) FROM fault_events WHERE run_id = c.run_id) || ':' ||
         (SELECT COUNT(*) FROM steering_changes WHERE run_id = c.run_id) AS print
    FROM control c JOIN runs r ON r.run_id = c.run_id
   ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1`;

/** See the file comment. */
export class LiveFeed {
  readonly #deps: LiveFeedDeps;
  readonly #clients = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #print: string | undefined;
  #latest: string | undefined;

  constructor(deps: LiveFeedDeps) {
    this.#deps = deps;
  }

  /** Adds a client (an open `text/event-stream` response): it gets the latest page at once. */
  add(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': live feed of the current run\n\n');
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
    if (this.#latest) res.write(this.#latest);
    this.#timer ??= setInterval(() => this.poll(), this.#deps.pollMs);
    this.poll();
  }

  /** Reads the fingerprint and, when it changed, sends the page to every client. Never throws. */
  poll(): void {
    if (this.#clients.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    try {
      const row = this.#deps.db.prepare(FINGERPRINT_SQL).get() as { runId: string; print: string } | undefined;
      const print = row ? `${row.runId}|${row.print}` : 'none';
      if (print === this.#print) return;
      this.#print = print;
      const view: RunView | null = row ? runView(this.#deps.db, row.runId) : null;
      this.#latest = `event: run\ndata: ${JSON.stringify({ sentAt: Date.now(), view })}\n\n`;
      for (const client of this.#clients) client.write(this.#latest);
    } catch (err) {
      this.#print = undefined;
      this.#deps.logger.warn({ err: (err as Error).message }, 'live feed: the record could not be read; retrying');
      for (const client of this.#clients)
        client.write(`event: problem\ndata: ${JSON.stringify({ error: (err as Error).message })}\n\n`);
    }
  }

  /** Ends every client's stream and stops polling. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}
