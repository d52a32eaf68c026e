// A part of the lab that dies during a run (kill -9) is named on the console at once and leaves a
// whole, truthful record: a dead agent, proxy-manager or Toxiproxy fails the run (exit 1); a dead tool
// service is a service_down fault event and is restarted (RESTART_SERVICES); a dead agent under test
// (AGENT_COMMAND) fails the run. A second lab on the same database is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AGENT_COMMAND_PART } from '@chaos-lab/common';
import { makeTempDir, takePortBlock } from '@chaos-lab/common/testing';
import {
  assertReport,
  assertWholeRecord,
  childPid,
  labEnv,
  labProcesses,
  outputMatching,
  promptsDone,
  query,
  startLab,
  waitFor,
  writePrompts,
  type LabRun,
} from './support/lab-run.js';

const tmp = makeTempDir('chaos-lab-parts-');
after(() => tmp.cleanup());

/** Starts a lab of `prompts` prompts in `name` and waits until two prompts have their rows. */
async function labUnderWay(name: string, prompts: number, extra: Record<string, string> = {}): Promise<LabRun> {
  const dir = join(tmp.path, name);
  const file = writePrompts(dir, prompts);
  const run = startLab(dir, ['up', '--prompts', file], await labEnv(dir, extra));
  await promptsDone(run, 2);
  return run;
}

type FaultRow = { kind: string; service: string; started_at: number; ended_at: number | null; ended_by: string | null };

describe('chaos-lab up when a part dies mid-run', () => {
  for (const [part, sub, named] of [
    ['the agent', 'agent', /the agent died \(killed by SIGKILL\) during the run: stopping the lab/],
    [
      'the proxy-manager',
      'proxy-manager',
      /the proxy-manager died \(killed by SIGKILL\) during the run: stopping the run/,
    ],
    ['Toxiproxy', 'toxiproxy', /the Toxiproxy server died \(killed by SIGKILL\) during the run: stopping the run/],
  ] as const) {
    it(`kill -9 of ${part}: named on the console, the run failed with that reason, exit 1, the record whole, the report rendered`, async () => {
      const run = await labUnderWay(`kill-${sub}`, 30);
      if (sub === 'proxy-manager')
        await waitFor(
          'a toxic in force',
          () => query(run.dbPath, 'SELECT 1 FROM fault_events WHERE ended_at IS NULL').length > 0,
        );
      const pid = childPid(run, sub);
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const { code } = await run.exit;
      assert.equal(code, 1, run.output());
      assert.match(run.output(), named);
      const row = assertWholeRecord(run, 30);
      assert.equal(row.status, 'failed');
      assert.match(
        row.error ?? '',
        sub === 'agent'
          ? /the agent died \(killed by SIGKILL\) during the run/
          : new RegExp(sub === 'toxiproxy' ? 'Toxiproxy' : 'proxy-manager'),
      );
      assert.ok(row.prompts_interrupted > 0, `prompts the agent never reached are interrupted: ${JSON.stringify(row)}`);
      if (sub === 'proxy-manager') {
        const lost = query<FaultRow>(run.dbPath, "SELECT * FROM fault_events WHERE ended_by = 'manager_lost'");
        assert.ok(lost.length > 0, 'the toxics in force were closed as lost with the manager');
        for (const e of lost)
          assert.ok(
            e.ended_at! <= killedAt,
            `closed at the manager's last heartbeat, before the kill: ${JSON.stringify(e)}`,
          );
      }
      assertReport(run);
    });
  }

  it('kill -9 of the agent while it runs an agent under test (AGENT_COMMAND): the command is stopped by the launcher, nothing left running', async () => {
    const dir = join(tmp.path, 'kill-agent-command');
    const env = await labEnv(dir);
    const agentUrl = `http://127.0.0.1:${7000 + Number(env.PORT_OFFSET)}`;
    const run = await labUnderWay('kill-agent-command', 30, {
      AGENT_URL: agentUrl,
      AGENT_COMMAND: 'python3 examples/python-agent/agent.py',
    });
    process.kill(childPid(run, 'agent'), 'SIGKILL');
    const { code } = await run.exit;
    assert.equal(code, 1, run.output());
    assert.match(
      run.output(),
      /stopping the agent under test \(AGENT_COMMAND, process group \d+\) that its agent part left running/,
    );
    const row = assertWholeRecord(run, 30); // asserts no process of the lab, the Python agent included, is left
    assert.equal(row.status, 'failed');
  });

  it('kill -9 of the agent under test (the AGENT_COMMAND process): the run failed with that reason on the console, exit 1, every prompt with one row', async () => {
    const dir = join(tmp.path, 'kill-agent-under-test');
    const env = await labEnv(dir);
    const run = await labUnderWay('kill-agent-under-test', 30, {
      AGENT_URL: `http://127.0.0.1:${7000 + Number(env.PORT_OFFSET)}`,
      AGENT_COMMAND: 'python3 examples/python-agent/agent.py',
    });
    // The command runs under `sh -c`: the agent is the shell's child, as `ps` shows it to a user.
    const [shell] = query<{ pid: number }>(run.dbPath, `SELECT pid FROM parts WHERE part = '${AGENT_COMMAND_PART}'`);
    const python = Number(
      execFileSync('ps', ['-o', 'pid=', '--ppid', String(shell!.pid)], { encoding: 'utf8' }).trim(),
    );
    process.kill(python, 'SIGKILL');
    const { code } = await run.exit;
    assert.equal(code, 1, run.output());
    const named =
      /the agent under test died: AGENT_COMMAND exited with status 137 \(signal SIGKILL\) (during prompt \d+ of 30 \(prompt_index \d+\)|while no prompt was in flight)/;
    assert.match(run.output(), new RegExp(`run \\S+ failed: ${named.source}`));
    const row = assertWholeRecord(run, 30);
    assert.equal(row.status, 'failed');
    assert.match(row.error ?? '', named);
    assert.ok(row.prompts_interrupted > 0, `the prompts never sent are interrupted: ${JSON.stringify(row)}`);
    // No prompt after the death failed on its own: no attempt met a refused connection.
    const failedFast = query<{ n: number }>(
      run.dbPath,
      "SELECT COUNT(*) AS n FROM prompt_results WHERE status = 'failed' AND error LIKE '%ECONNREFUSED%'",
    );
    assert.equal(failedFast[0]!.n, 0, run.output());
  });

  it('kill -9 of an external Toxiproxy (TOXIPROXY_URL): noticed by its health checks, the run failed with that reason, exit 1, the record whole', async () => {
    const dir = join(tmp.path, 'kill-external');
    const env = await labEnv(dir);
    const port = 8474 + Number(env.PORT_OFFSET);
    const toxiproxy = startLab(dir, ['toxiproxy', '--port', String(port)], env);
    try {
      await waitFor('the external Toxiproxy', () => toxiproxy.output().includes('Ctrl-C to stop'));
      const run = startLab(dir, ['up', '--prompts', writePrompts(dir, 30)], {
        ...env,
        TOXIPROXY_URL: `http://127.0.0.1:${port}`,
      });
      await promptsDone(run, 2);
      process.kill(toxiproxy.child.pid!, 'SIGKILL');
      const { code } = await run.exit;
      assert.equal(code, 1, run.output());
      assert.match(
        run.output(),
        /the Toxiproxy server at http:\/\/127\.0\.0\.1:\d+\/version stopped answering \(ECONNREFUSED, 3 checks in a row\) during the run: stopping the run/,
      );
      const row = assertWholeRecord(run, 30);
      assert.equal(row.status, 'failed');
      assert.match(row.error ?? '', /Toxiproxy server .* stopped answering/);
      assertReport(run);
    } finally {
      toxiproxy.child.kill('SIGKILL');
      await toxiproxy.exit; // its port is the next test's lab's Toxiproxy port
    }
  });

  it('kill -9 of a tool service: a service_down event from its death until it is back, restarted by the lab; the run goes on', async () => {
    const run = await labUnderWay('kill-tool', 200);
    const pid = childPid(run, 'tool weather');
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const [event] = await waitFor('the service to be back', () => {
      const rows = query<FaultRow>(run.dbPath, "SELECT * FROM fault_events WHERE kind = 'service_down'");
      return rows.length > 0 && rows[0]!.ended_at !== null && rows;
    });
    assert.equal(event!.service, 'weather');
    assert.equal(event!.ended_by, 'restarted');
    assert.ok(event!.started_at >= killedAt && event!.ended_at! > event!.started_at, JSON.stringify(event));
    await outputMatching(
      run,
      /the weather tool service died \(killed by SIGKILL\); recorded as a service_down fault, restarting it/,
    );
    await outputMatching(run, /the weather tool service is back after \d+ ms/);
    assert.equal(
      query<{ status: string }>(run.dbPath, 'SELECT status FROM runs')[0]!.status,
      'running',
      'the run went on',
    );
    process.kill(-run.child.pid!, 'SIGINT');
    assert.equal((await run.exit).code, 130, run.output());
    assert.equal(assertWholeRecord(run, 200).status, 'interrupted');
  });

  it('with RESTART_SERVICES=off a dead tool service stays down, and its event is closed when the lab stops', async () => {
    const run = await labUnderWay('kill-tool-off', 200, { RESTART_SERVICES: 'off' });
    process.kill(childPid(run, 'tool calculator'), 'SIGKILL');
    await waitFor(
      'the service_down event',
      () => query(run.dbPath, "SELECT 1 FROM fault_events WHERE kind = 'service_down'").length > 0,
    );
    await outputMatching(run, /RESTART_SERVICES=off: it stays down/);
    const stoppedAt = Date.now();
    process.kill(-run.child.pid!, 'SIGTERM');
    assert.equal((await run.exit).code, 143, run.output());
    assertWholeRecord(run, 200);
    const [event] = query<FaultRow>(run.dbPath, "SELECT * FROM fault_events WHERE kind = 'service_down'");
    assert.equal(event!.ended_by, 'lab_stopped');
    assert.ok(event!.ended_at! >= stoppedAt);
  });

  it('a second lab on the same database is refused with a message naming the live run, and leaves nothing running', async () => {
    const first = await labUnderWay('two-labs', 200);
    const [{ run_id: runId }] = query<{ run_id: string }>(first.dbPath, 'SELECT run_id FROM runs') as [
      { run_id: string },
    ];
    const dir = join(tmp.path, 'two-labs-second');
    // Ports of its own while the first lab holds the file's: the refusal must be for the database.
    const ports = await takePortBlock();
    const second = startLab(dir, ['up', '--prompts', writePrompts(dir, 3)], {
      ...(await labEnv(dir)),
      PORT_OFFSET: String(ports.offset),
      LAB_DB_PATH: first.dbPath,
    });
    assert.equal((await second.exit).code, 2, second.output());
    ports.release();
    assert.match(
      second.output(),
      new RegExp(`run ${runId} is still active in .*lab\\.db .*one run at a time per database`),
    );
    assert.doesNotMatch(second.output(), /lab ready/);
    assert.equal(query(first.dbPath, 'SELECT 1 FROM runs').length, 1, 'the second lab recorded no run');
    process.kill(-first.child.pid!, 'SIGINT');
    assert.equal((await first.exit).code, 130, first.output());
    assert.equal(assertWholeRecord(first, 200).status, 'interrupted');
    assert.deepEqual(labProcesses(second), []);
  });
});
