// The attribution views of schema migration 3 (attempt_faults, attempt_causes, prompt_causes,
// fault_blast_radius) over hand-written rows in a real SQLite file: every cause, the precedence
// between causes, the interval edges and each fault event's blast radius.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, writeTransaction, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';

const tmp = makeTempDir('chaos-lab-attribution-');
let db: Database;

/** Fault event ids, by what each stands for in the rows below. */
const F = {
  weatherTimeout: 1,
  weatherLatency: 2,
  calendarDown: 3,
  calendarLatency: 4,
  searchOpen: 5,
  movieQuiet: 6,
  messageEdge: 7,
} as const;

interface AttemptRow {
  prompt: number;
  call: string;
  tool: string;
  service: string;
  attempt: number;
  via: 'proxy' | 'direct';
  outcome: string;
  status?: number;
  simulated?: 1;
  at: number;
  ms: number;
}

/** The attempts, in id order (id = position + 1). */
const ATTEMPTS: AttemptRow[] = [
  // prompt 0 (failed): a weather call lost to the timeout toxic, then to the overlapping latency toxic, then a direct refusal.
  {
    prompt: 0,
    call: 'c1',
    tool: 'get_weather',
    service: 'weather',
    attempt: 1,
    via: 'proxy',
    outcome: 'timeout',
    at: 1000,
    ms: 1000,
  }, // 1
  {
    prompt: 0,
    call: 'c1',
    tool: 'get_weather',
    service: 'weather',
    attempt: 2,
    via: 'proxy',
    outcome: 'timeout',
    at: 2600,
    ms: 1000,
  }, // 2
  {
    prompt: 0,
    call: 'c1',
    tool: 'get_weather',
    service: 'weather',
    attempt: 3,
    via: 'direct',
    outcome: 'connection_error',
    at: 3700,
    ms: 5,
  }, // 3
  // prompt 1 (failed): a simulated 503 under the weather toxic, answered by the fallback; a calendar call lost while the calendar is down.
  {
    prompt: 1,
    call: 'c2',
    tool: 'get_weather',
    service: 'weather',
    attempt: 1,
    via: 'proxy',
    outcome: 'http_error',
    status: 503,
    simulated: 1,
    at: 1500,
    ms: 10,
  }, // 4
  {
    prompt: 1,
    call: 'c2',
    tool: 'get_weather',
    service: 'weather',
    attempt: 2,
    via: 'direct',
    outcome: 'ok',
    status: 200,
    at: 1520,
    ms: 10,
  }, // 5
  {
    prompt: 1,
    call: 'c3',
    tool: 'add_event',
    service: 'calendar',
    attempt: 1,
    via: 'proxy',
    outcome: 'closed',
    at: 5500,
    ms: 3,
  }, // 6
  {
    prompt: 1,
    call: 'c3',
    tool: 'add_event',
    service: 'calendar',
    attempt: 2,
    via: 'direct',
    outcome: 'connection_error',
    at: 5600,
    ms: 2,
  }, // 7
  // prompt 2 (wrong): a 404 is an answer, not a failed attempt; a weather answer under the latency toxic.
  {
    prompt: 2,
    call: 'c4',
    tool: 'search_web',
    service: 'search',
    attempt: 1,
    via: 'proxy',
    outcome: 'http_error',
    status: 404,
    at: 500,
    ms: 8,
  }, // 8
  {
    prompt: 2,
    call: 'c5',
    tool: 'get_weather',
    service: 'weather',
    attempt: 1,
    via: 'proxy',
    outcome: 'ok',
    status: 200,
    at: 3500,
    ms: 30,
  }, // 9
  // prompt 3 (failed, timeout): the agent's own timeout with no fault, then a cancelled retry.
  {
    prompt: 3,
    call: 'c6',
    tool: 'calculate',
    service: 'calculator',
    attempt: 1,
    via: 'proxy',
    outcome: 'timeout',
    at: 8000,
    ms: 5000,
  }, // 10
  {
    prompt: 3,
    call: 'c6',
    tool: 'calculate',
    service: 'calculator',
    attempt: 2,
    via: 'proxy',
    outcome: 'cancelled',
    at: 13100,
    ms: 400,
  }, // 11
  // prompt 4 (interrupted): cancelled while a toxic never removed was on the search proxy.
  {
    prompt: 4,
    call: 'c7',
    tool: 'search_web',
    service: 'search',
    attempt: 1,
    via: 'proxy',
    outcome: 'cancelled',
    at: 9500,
    ms: 100,
  }, // 12
  // prompt 6 (correct): a reset nobody explains, then an answer.
  {
    prompt: 6,
    call: 'c8',
    tool: 'translate',
    service: 'translator',
    attempt: 1,
    via: 'proxy',
    outcome: 'reset',
    at: 100,
    ms: 2,
  }, // 13
  {
    prompt: 6,
    call: 'c8',
    tool: 'translate',
    service: 'translator',
    attempt: 2,
    via: 'proxy',
    outcome: 'ok',
    status: 200,
    at: 110,
    ms: 9,
  }, // 14
  // prompt 7 (unchecked): an attempt ending the instant a toxic starts (touched), one starting the instant it ends (not).
  {
    prompt: 7,
    call: 'c9',
    tool: 'send_message',
    service: 'message',
    attempt: 1,
    via: 'proxy',
    outcome: 'reset',
    at: 29990,
    ms: 10,
  }, // 15
  {
    prompt: 7,
    call: 'c9',
    tool: 'send_message',
    service: 'message',
    attempt: 2,
    via: 'proxy',
    outcome: 'reset',
    at: 31000,
    ms: 10,
  }, // 16
  {
    prompt: 7,
    call: 'c9',
    tool: 'send_message',
    service: 'message',
    attempt: 3,
    via: 'proxy',
    outcome: 'ok',
    status: 200,
    at: 31020,
    ms: 10,
  }, // 17
];

const PROMPTS: [number, string, string | null][] = [
  [0, 'failed', 'network'],
  [1, 'failed', 'network'],
  [2, 'wrong', null],
  [3, 'failed', 'timeout'],
  [4, 'interrupted', 'interrupted'],
  [5, 'failed', 'model'],
  [6, 'correct', null],
  [7, 'unchecked', null],
];

before(() => {
  db = openDatabase(join(tmp.path, 'lab.db'));
  writeTransaction(db, () => {
    db.prepare(
      "INSERT INTO runs (run_id, started_at, finished_at, status, seed) VALUES ('r', 0, 40000, 'completed', 1)",
    ).run();
    const fault = db.prepare(
      `INSERT INTO fault_events (id, run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, ended_at)
       VALUES (?, 'r', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    fault.run(
      F.weatherTimeout,
      'toxic',
      'weather_proxy',
      'weather',
      'timeout_upstream',
      'timeout',
      'upstream',
      1,
      '{"timeout":0}',
      1000,
      3000,
    );
    fault.run(
      F.weatherLatency,
      'toxic',
      'weather_proxy',
      'weather',
      'latency_downstream',
      'latency',
      'downstream',
      1,
      '{"latency":400}',
      2500,
      4000,
    );
    fault.run(F.calendarDown, 'service_down', null, 'calendar', 'calendar down', 'kill', null, null, '{}', 5000, 6000);
    fault.run(
      F.calendarLatency,
      'toxic',
      'calendar_proxy',
      'calendar',
      'latency_upstream',
      'latency',
      'upstream',
      1,
      '{"latency":50}',
      4500,
      7000,
    );
    fault.run(
      F.searchOpen,
      'toxic',
      'search_proxy',
      'search',
      'timeout_downstream',
      'timeout',
      'downstream',
      1,
      '{"timeout":3100}',
      9000,
      null,
    );
    fault.run(
      F.movieQuiet,
      'toxic',
      'movie_proxy',
      'movie',
      'latency_upstream',
      'latency',
      'upstream',
      1,
      '{"latency":10}',
      20000,
      21000,
    );
    fault.run(
      F.messageEdge,
      'toxic',
      'message_proxy',
      'message',
      'reset_peer_upstream',
      'reset_peer',
      'upstream',
      1,
      '{"timeout":0}',
      30000,
      31000,
    );
    const attempt = db.prepare(
      `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome, http_status, simulated, started_at, duration_ms)
       VALUES ('r', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const a of ATTEMPTS)
      attempt.run(
        a.prompt,
        a.call,
        a.tool,
        a.service,
        a.attempt,
        a.via,
        a.outcome,
        a.status ?? null,
        a.simulated ?? 0,
        a.at,
        a.ms,
      );
    const prompt = db.prepare(
      `INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, error_type, started_at, finished_at, duration_ms)
       VALUES ('r', ?, ?, ?, 1, ?, 0, 40000, 40000)`,
    );
    for (const [index, status, errorType] of PROMPTS) prompt.run(index, `prompt ${index}`, status, errorType);
  });
});

after(() => {
  db.close();
  tmp.cleanup();
});

describe('attempt_causes', () => {
  it('names the cause of every failed attempt, 4xx answers left out, by the documented precedence', () => {
    const rows = db
      .prepare('SELECT attempt_row, cause, fault_event_id, faults_active FROM attempt_causes ORDER BY attempt_row')
      .all();
    assert.deepEqual(rows, [
      { attempt_row: 1, cause: 'toxic', fault_event_id: F.weatherTimeout, faults_active: 1 },
      // Two toxics on the proxy at its start: the one injected last before it started.
      { attempt_row: 2, cause: 'toxic', fault_event_id: F.weatherLatency, faults_active: 2 },
      // A direct fallback bypasses the proxy: its toxics do not explain it.
      { attempt_row: 3, cause: 'unknown', fault_event_id: null, faults_active: 0 },
      // The service's own mark outranks the toxic active on the proxy.
      { attempt_row: 4, cause: 'simulated_error', fault_event_id: null, faults_active: 1 },
      // The service down outranks the latency toxic on its proxy, and also explains the direct attempt.
      { attempt_row: 6, cause: 'service_down', fault_event_id: F.calendarDown, faults_active: 2 },
      { attempt_row: 7, cause: 'service_down', fault_event_id: F.calendarDown, faults_active: 1 },
      { attempt_row: 10, cause: 'client_timeout', fault_event_id: null, faults_active: 0 },
      { attempt_row: 11, cause: 'cancelled', fault_event_id: null, faults_active: 0 },
      // A toxic never removed is still active; a fault outranks the cancellation.
      { attempt_row: 12, cause: 'toxic', fault_event_id: F.searchOpen, faults_active: 1 },
      { attempt_row: 13, cause: 'unknown', fault_event_id: null, faults_active: 0 },
      // Ending the instant the toxic starts touches it; starting the instant it ends does not.
      { attempt_row: 15, cause: 'toxic', fault_event_id: F.messageEdge, faults_active: 1 },
      { attempt_row: 16, cause: 'unknown', fault_event_id: null, faults_active: 0 },
    ]);
  });

  it("carries the toxic's type, stream, proxy and attributes", () => {
    const row = db
      .prepare(
        'SELECT fault_proxy, fault_type, fault_stream, fault_attributes, ended_at FROM attempt_causes WHERE attempt_row = 1',
      )
      .get();
    assert.deepEqual(row, {
      fault_proxy: 'weather_proxy',
      fault_type: 'timeout',
      fault_stream: 'upstream',
      fault_attributes: '{"timeout":0}',
      ended_at: 2000,
    });
  });
});

describe('prompt_causes', () => {
  it('gives the prompts that did not end well their root cause and whole chain', () => {
    const rows = (
      db
        .prepare(
          'SELECT prompt_index, status, root_cause, root_call_id, root_fault_event_id, failed_attempts, chain FROM prompt_causes ORDER BY prompt_index',
        )
        .all() as {
        chain: string;
      }[]
    ).map((r) => ({
      ...r,
      chain: (JSON.parse(r.chain) as { attempt_row: number; cause: string }[]).map(
        (c) => `${c.attempt_row}:${c.cause}`,
      ),
    }));
    assert.deepEqual(rows, [
      {
        prompt_index: 0,
        status: 'failed',
        root_cause: 'toxic',
        root_call_id: 'c1',
        root_fault_event_id: F.weatherTimeout,
        failed_attempts: 3,
        chain: ['1:toxic', '2:toxic', '3:unknown'],
      },
      // The simulated 503 came first but its call was answered: the root is the call that got no answer.
      {
        prompt_index: 1,
        status: 'failed',
        root_cause: 'service_down',
        root_call_id: 'c3',
        root_fault_event_id: F.calendarDown,
        failed_attempts: 3,
        chain: ['4:simulated_error', '6:service_down', '7:service_down'],
      },
      {
        prompt_index: 2,
        status: 'wrong',
        root_cause: null,
        root_call_id: null,
        root_fault_event_id: null,
        failed_attempts: 0,
        chain: [],
      },
      {
        prompt_index: 3,
        status: 'failed',
        root_cause: 'client_timeout',
        root_call_id: 'c6',
        root_fault_event_id: null,
        failed_attempts: 2,
        chain: ['10:client_timeout', '11:cancelled'],
      },
      {
        prompt_index: 4,
        status: 'interrupted',
        root_cause: 'toxic',
        root_call_id: 'c7',
        root_fault_event_id: F.searchOpen,
        failed_attempts: 1,
        chain: ['12:toxic'],
      },
      // No tool call failed: the prompt's own error type.
      {
        prompt_index: 5,
        status: 'failed',
        root_cause: 'model',
        root_call_id: null,
        root_fault_event_id: null,
        failed_attempts: 0,
        chain: [],
      },
    ]);
  });
});

describe('fault_blast_radius', () => {
  it('gives every fault event the attempts and prompts it touched and the failures it caused', () => {
    const rows = db
      .prepare(
        'SELECT fault_event_id, attempts_touched, attempts_failed, attempts_attributed, prompts_touched, prompt_indexes, prompts_root_caused FROM fault_blast_radius ORDER BY fault_event_id',
      )
      .all();
    const row = (
      id: number,
      touched: number,
      failed: number,
      attributed: number,
      prompts: number[],
      rootCaused: number,
    ) => ({
      fault_event_id: id,
      attempts_touched: touched,
      attempts_failed: failed,
      attempts_attributed: attributed,
      prompts_touched: prompts.length,
      prompt_indexes: JSON.stringify(prompts),
      prompts_root_caused: rootCaused,
    });
    assert.deepEqual(rows, [
      row(F.weatherTimeout, 3, 3, 1, [0, 1], 1),
      row(F.weatherLatency, 2, 1, 1, [0, 2], 0),
      row(F.calendarDown, 2, 2, 2, [1], 1),
      row(F.calendarLatency, 1, 1, 0, [1], 0),
      row(F.searchOpen, 1, 1, 1, [4], 1),
      row(F.movieQuiet, 0, 0, 0, [], 0),
      row(F.messageEdge, 1, 1, 1, [7], 0),
    ]);
  });
});
