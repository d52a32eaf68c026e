// The agent's side of the fault plan: each attempt is announced (and acknowledged) before its first
// byte is sent; IDEMPOTENCY_KEYS=per-attempt sends each attempt's own request_id, per-call the call's.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { createLogger, openDatabase } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import {
  ANNOUNCE_HOLD_MAX_MS,
  announcer,
  runNeedsAnnouncements,
  type ReportAttemptEnd,
} from '../src/tool-calls/fault-hook.js';
import { type ToolCallPolicy, callTool } from '../src/tool-calls/tool-call.js';
import { type StubServer, stubPool } from './support/stub-server.js';

const stubs = stubPool();
const { stub } = stubs;
const temp = makeTempDir('fault-hook-');
after(async () => {
  await stubs.closeAll();
  temp.cleanup();
});

const policy = (over: Partial<ToolCallPolicy> = {}): ToolCallPolicy => ({
  toolLimit: 2,
  proxyTimeoutMs: 3000,
  fallback: true,
  fallbackTimeoutMs: 1000,
  backoffBaseMs: 0,
  backoffMaxMs: 0,
  jitter: () => 0,
  ...over,
});

async function write(
  p: ToolCallPolicy,
  proxy: StubServer,
  direct: StubServer,
  beforeAttempt?: (n: number) => Promise<ReportAttemptEnd | undefined>,
) {
  return callTool({
    callId: 'r/p0/a1/c1',
    request: { method: 'POST', path: '/events', body: { title: 't', request_id: 'r/p0/a1/c1' } },
    proxy: proxy.endpoint,
    direct: direct.endpoint,
    policy: p,
    signal: new AbortController().signal,
    now: Date.now,
    onAttempt: () => undefined,
    beforeAttempt,
  });
}

describe('fault hook and idempotency keys', () => {
  it('per-call (the default) sends the call key with every attempt; per-attempt sends each attempt its own', async () => {
    for (const [keys, expected] of [
      [undefined, ['r/p0/a1/c1', 'r/p0/a1/c1', 'r/p0/a1/c1']],
      ['per-call', ['r/p0/a1/c1', 'r/p0/a1/c1', 'r/p0/a1/c1']],
      ['per-attempt', ['r/p0/a1/c1#1', 'r/p0/a1/c1#2', 'r/p0/a1/c1#3']],
    ] as const) {
      const proxy = await stub({ status: 503 }, { status: 503 });
      const direct = await stub({ status: 201, body: {} });
      await write(policy(keys ? { idempotencyKeys: keys } : {}), proxy, direct);
      const sent = [...proxy.requests, ...direct.requests].map((r) => JSON.parse(r.body).request_id);
      assert.deepEqual(sent, expected, `IDEMPOTENCY_KEYS=${keys ?? 'unset'}`);
    }
  });

  it('each attempt waits for its announcement before its first byte', async () => {
    const proxy = await stub({ status: 503 }, { status: 503 });
    const direct = await stub({ status: 201, body: {} });
    const seenAtAnnouncement: number[] = [];
    await write(policy(), proxy, direct, async (n) => {
      seenAtAnnouncement.push(proxy.requests.length + direct.requests.length);
      assert.equal(seenAtAnnouncement.length, n);
      return undefined;
    });
    assert.deepEqual(seenAtAnnouncement, [0, 1, 2], 'attempt n is announced when n - 1 requests have arrived');
  });

  it("each attempt's end is reported after its answer: whether it was sent and whether another may follow", async () => {
    const proxy = await stub({ status: 503 }, { status: 503 });
    const direct = await stub({ status: 201, body: {} });
    const ends: string[] = [];
    await write(policy(), proxy, direct, async (n) => async (end) => {
      ends.push(`${n} sent=${end.sent} more=${end.more} requests=${proxy.requests.length + direct.requests.length}`);
    });
    assert.deepEqual(ends, [
      '1 sent=true more=true requests=1',
      '2 sent=true more=true requests=2',
      '3 sent=true more=false requests=3',
    ]);
  });

  it('the announcer posts the attempt to the manager and resolves on its answer; a manager that refuses does not stop the attempt', async () => {
    const bodies: unknown[] = [];
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(status === 200 ? { faults: ['f'] } : { error: 'bad' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const logger = createLogger({ name: 'agent', settings: testSettings(temp.path) });
      const announce = announcer(`http://127.0.0.1:${port}`, 'run-7', logger);
      const reportEnd = await announce({ promptIndex: 2, tool: 'add_event', callId: 'c1', attempt: 1 });
      await reportEnd!({ sent: true, more: true });
      status = 400;
      await announce({ promptIndex: 2, tool: 'add_event', callId: 'c1', attempt: 2 });
      const attempt1 = { runId: 'run-7', promptIndex: 2, tool: 'add_event', callId: 'c1', attempt: 1 };
      assert.deepEqual(bodies, [
        { ...attempt1, holdMaxMs: ANNOUNCE_HOLD_MAX_MS },
        { ...attempt1, ended: { sent: true, more: true } },
        { ...attempt1, attempt: 2, holdMaxMs: ANNOUNCE_HOLD_MAX_MS },
      ]);
    } finally {
      server.close();
    }
  });

  it("announces only for a plan with a trigger on the agent's progress (call, prompt, first_attempts)", () => {
    const db = openDatabase(join(temp.path, 'plans.db'));
    try {
      const plan = (runId: string, kinds: string[]) =>
        db
          .prepare('INSERT INTO fault_plans (run_id, plan, created_at) VALUES (?, ?, 0)')
          .run(runId, JSON.stringify({ faults: kinds.map((kind) => ({ trigger: { kind } })) }));
      plan('timed', ['random', 'window']);
      plan('called', ['window', 'call']);
      plan('prompted', ['prompt']);
      plan('first', ['first_attempts']);
      assert.equal(runNeedsAnnouncements(db, 'none'), false);
      assert.equal(runNeedsAnnouncements(db, 'timed'), false);
      for (const runId of ['called', 'prompted', 'first']) assert.equal(runNeedsAnnouncements(db, runId), true, runId);
    } finally {
      db.close();
    }
  });
});
