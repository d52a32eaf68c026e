// `chaos-lab run` as users run it (the compiled command, real child processes): a broken file stops
// the dry run with exit 2 and the path of the error; the shipped lost-response experiment exposes the
// double write when idempotency keys are not reused (exit 1) and holds when they are (exit 0); a
// Ctrl-C (SIGINT to the real process) during a variant leaves no fault behind: no toxic on the
// (external) Toxiproxy, no service paused or left running, every planned event closed as rolled back.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import { startToxiproxyServer } from '@chaos-lab/toxiproxy';
import { isAlive, labPortOffset, runCli } from './support/cli.js';
import { labProcesses, query, startLab, waitFor } from './support/lab-run.js';

const temp = makeTempDir('experiment-run-');
after(() => temp.cleanup());

/** Settings of a lab started by a test, in `dir`, on its own ports. */
async function env(dir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  return {
    LAB_DB_PATH: join(dir, 'lab.db'),
    LOG_DIR: join(dir, 'logs'),
    CHARTS_DIR: join(dir, 'charts'),
    PORT_OFFSET: String(await labPortOffset()),
    OFFLINE_MODEL_LATENCY_MS: '50',
    CHAOS_INTERVAL_MS: '200',
    ...extra,
  };
}

/** A check's console line: `  held      duplicate_side_effects   0  = 0`. */
const checkLine = (out: string, outcome: string, name: string, value: string) =>
  new RegExp(`^ {2}${outcome} +${name} +${value} `, 'm').test(out);

describe('chaos-lab run', () => {
  it('--dry-run on a broken file exits 2 with the path of the error and starts nothing', async () => {
    const dir = join(temp.path, 'broken');
    mkdirSync(dir);
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'title: broken\nhypothesis: [{ metric: wrong_answers, equals: 0 }]\nvariants:\n  - name: v\n    faults:\n' +
        '      - { name: f, kind: toxic, type: latency, attributes: { latency: -1 }, targets: [weather], trigger: { kind: prompt, n: 1 } }\n',
    );
    const run = runCli(['run', '--dry-run', file], await env(dir));
    const { code } = await run.exit;
    assert.equal(code, 2, run.output());
    assert.equal(
      run.output(),
      `chaos-lab: ${file}: variants[0].faults[0].attributes.latency: must be a number ≥ 0 (ms)\n`,
    );
    assert.ok(!existsSync(join(dir, 'lab.db')), 'nothing started');
  });

  for (const [variant, exitCode, duplicates] of [
    ['keys-per-attempt', 1, '2'],
    ['keys-per-call', 0, '0'],
  ] as const) {
    it(`lost-write-response --variant ${variant}: duplicate side effects ${duplicates}, exit ${exitCode}`, {
      timeout: 180_000,
    }, async () => {
      const dir = join(temp.path, variant);
      const junit = join(dir, 'junit.xml');
      const run = runCli(
        ['run', 'experiments/lost-write-response.yaml', '--variant', variant, '--junit', junit],
        await env(dir),
      );
      const { code } = await run.exit;
      const out = run.output();
      assert.equal(code, exitCode, out);
      assert.ok(checkLine(out, exitCode === 1 ? 'deviated' : 'held', 'duplicate_side_effects', duplicates), out);
      assert.ok(checkLine(out, 'held', 'faults_fired lost-calendar-response', '1'), out);
      assert.match(out, new RegExp(`^verdict: ${exitCode === 1 ? 'DEVIATED' : 'HELD'} `, 'm'));
      const journal = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(out)![1]!, 'utf8'));
      const fired = journal.runs[1].faults;
      assert.deepEqual(fired.map((f: { fault: string }) => f.fault).sort(), [
        'lost-calendar-response',
        'lost-message-response',
      ]);
      // Each lost response touched the attempt it was fired for, and that attempt failed.
      for (const f of fired) assert.ok(f.attemptsTouched >= 1 && f.attemptsFailed >= 1, JSON.stringify(f));
      assert.match(readFileSync(junit, 'utf8'), new RegExp(`failures="${exitCode === 1 ? 1 : 0}"`));
    });
  }

  it('dead-service: the calculator killed at prompt 3 stays down while its fault is open; the agent says so: exit 0', {
    timeout: 180_000,
  }, async () => {
    const dir = join(temp.path, 'dead');
    const run = runCli(['run', 'experiments/dead-service.yaml'], await env(dir));
    const { code } = await run.exit;
    const out = run.output();
    assert.equal(code, 0, out);
    assert.ok(checkLine(out, 'held', 'honest_failures', '[1-9]'), out);
    assert.ok(checkLine(out, 'held', 'invented_results', '0'), out);
    const runId = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(out)![1]!, 'utf8')).runs[1].runId as string;
    const db = join(dir, 'lab.db');
    const [kill] = query<{ started_at: number; ended_at: number; trigger: string }>(
      db,
      "SELECT started_at, ended_at, trigger FROM fault_events WHERE run_id = ? AND fault = 'dead-calculator'",
      runId,
    );
    // Fired at prompt 3's first call, or at a chaos tick that read prompt 3 as current before it.
    const trigger = JSON.parse(kill!.trigger) as { kind: string; prompt: number; via: string };
    assert.ok(
      trigger.kind === 'prompt' && trigger.prompt === 3 && ['call', 'tick'].includes(trigger.via),
      kill!.trigger,
    );
    const [third] = query<{ started_at: number; finished_at: number }>(
      db,
      'SELECT started_at, finished_at FROM prompt_results WHERE run_id = ? AND prompt_index = 2',
      runId,
    );
    assert.ok(kill!.started_at >= third!.started_at && kill!.started_at <= third!.finished_at, 'during prompt 3');
    const [down] = query<{ started_at: number; ended_at: number; ended_by: string }>(
      db,
      "SELECT started_at, ended_at, ended_by FROM fault_events WHERE run_id = ? AND kind = 'service_down'",
      runId,
    );
    assert.ok(down!.started_at >= kill!.started_at, 'the launcher saw the death after the kill was recorded');
    // Down until the lab stopped (the run ended within the 10 s), or restarted only once the fault ended.
    assert.ok(
      down!.ended_by === 'lab_stopped' || (down!.ended_by === 'restarted' && down!.ended_at >= kill!.ended_at),
      JSON.stringify({ down, kill }),
    );
    const answered = query(
      db,
      "SELECT id FROM tool_calls WHERE run_id = ? AND tool = 'calculate' AND outcome = 'ok' AND started_at BETWEEN ? AND ?",
      runId,
      kill!.started_at,
      kill!.ended_at,
    );
    assert.deepEqual(answered, [], 'no calculation answered while the calculator was down');
  });

  it('a Ctrl-C during a variant leaves no fault behind, and the journal says what was rolled back', {
    timeout: 180_000,
  }, async () => {
    const dir = join(temp.path, 'ctrl-c');
    const toxiproxy = await startToxiproxyServer({ host: '127.0.0.1', port: 0 });
    try {
      const file = join(dir, 'stuck.yaml');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        file,
        `title: stuck
seed: 1
prompts: { inline: ["What's the weather in Paris?", "What is 12 * 12?"] }
settings: { PROXY_TIMEOUT_MS: 120000, PROMPT_TIMEOUT_MS: 240000, FALLBACK: "off", TOOL_LIMIT: 1 }
hypothesis: [{ metric: wrong_answers, equals: 0 }]
variants:
  - name: stuck
    faults:
      - { name: slow-search, kind: toxic, type: latency, attributes: { latency: 5000 }, targets: [search], trigger: { kind: window, fromMs: 0, toMs: 600000 } }
      - { name: weather-500, kind: http_error, status: 500, targets: [weather], trigger: { kind: prompt, n: 1, durationMs: 600000 } }
      - { name: frozen-calculator, kind: service, action: pause, targets: [calculator], trigger: { kind: prompt, n: 2, durationMs: 600000 } }
`,
      );
      const run = startLab(dir, ['run', file], await env(dir, { TOXIPROXY_URL: toxiproxy.url }));
      // The variant is under way once all three faults are in place (the calculator frozen mid-call).
      await waitFor(
        'the three planned faults fired',
        () =>
          query<{ n: number }>(
            run.dbPath,
            'SELECT COUNT(*) AS n FROM fault_events WHERE fault IS NOT NULL AND ended_at IS NULL',
          )[0]!.n === 3,
        120_000,
      );
      const [calculator] = query<{ pid: number }>(run.dbPath, "SELECT pid FROM parts WHERE part = 'tool:calculator'");
      // The event is recorded just before the signal is sent: wait for the process state itself.
      await waitFor(
        'the calculator paused',
        () => readFileSync(`/proc/${calculator!.pid}/stat`, 'utf8').split(') ')[1]!.charAt(0) === 'T',
        10_000,
      );
      const proxies = async () =>
        (await (await fetch(`${toxiproxy.url}/proxies`)).json()) as Record<string, { toxics: unknown[] }>;
      for (const deadline = Date.now() + 10_000; (await proxies()).search_proxy!.toxics.length !== 1; ) {
        assert.ok(Date.now() < deadline, 'the planned toxic on search_proxy');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      run.child.kill('SIGINT');
      const { code } = await run.exit;
      const out = run.output();
      assert.equal(code, 130, out);
      for (const [name, p] of Object.entries(await proxies()))
        assert.deepEqual(p.toxics, [], `no toxic left on ${name}`);
      assert.ok(!isAlive(calculator!.pid), 'the paused calculator was continued and stopped');
      assert.deepEqual(labProcesses(run), [], 'no process of the lab left running');
      const events = query<{ fault: string; ended_by: string | null }>(
        run.dbPath,
        'SELECT fault, ended_by FROM fault_events WHERE fault IS NOT NULL ORDER BY fault',
      );
      assert.deepEqual(events, [
        { fault: 'frozen-calculator', ended_by: 'rollback' },
        { fault: 'slow-search', ended_by: 'rollback' },
        { fault: 'weather-500', ended_by: 'rollback' },
      ]);
      assert.deepEqual(
        query(run.dbPath, 'SELECT id FROM fault_events WHERE ended_at IS NULL'),
        [],
        'no fault event left open',
      );
      const journal = JSON.parse(readFileSync(/^journal: (.*)$/m.exec(out)![1]!, 'utf8'));
      assert.equal(journal.verdict, 'interrupted');
      assert.deepEqual(
        journal.runs.at(-1).faults.map((f: { endedBy: string }) => f.endedBy),
        ['rollback', 'rollback', 'rollback'],
      );
    } finally {
      await toxiproxy.close();
    }
  });
});
