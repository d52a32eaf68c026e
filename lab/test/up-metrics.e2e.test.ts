// `/metrics` answers on each part of a real `chaos-lab up` while its run goes: the agent, the
// proxy-manager, the model server and the seven tool services, each on its port shifted by
// PORT_OFFSET, parsed with a real parser of the text format; then the lab is stopped with SIGTERM.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AGENT_METRICS_PORT, MODEL_PART, PROXY_MANAGER_PORT, SERVICES } from '@chaos-lab/common';
import { makeTempDir, scrapeMetrics, scrapeUntil } from '@chaos-lab/common/testing';
import { labEnv, promptsDone, startLab, writePrompts } from './support/lab-run.js';

const tmp = makeTempDir('chaos-lab-up-metrics-');
after(() => tmp.cleanup());

describe('chaos-lab up serves metrics', () => {
  it('on every part while the run goes', async () => {
    const dir = join(tmp.path, 'lab');
    const env = await labEnv(dir);
    const offset = Number(env.PORT_OFFSET);
    const run = startLab(dir, ['up', '--prompts', writePrompts(tmp.path, 30)], env);
    try {
      await promptsDone(run, 1);
      const at = (port: number) => `http://127.0.0.1:${port + offset}/metrics`;

      // The agent, while it runs: its attempts and prompts so far.
      const agent = await scrapeUntil(
        at(AGENT_METRICS_PORT),
        'the agent counting prompts and attempts',
        (s) => s.value('chaos_lab_prompts_total') >= 1 && s.value('chaos_lab_tool_attempts_total') >= 1,
      );
      assert.ok(agent.value('chaos_lab_model_calls_total', { status: 'ok' }) >= 1);

      const manager = await scrapeUntil(
        at(PROXY_MANAGER_PORT),
        'toxics injected',
        (s) => s.value('chaos_lab_toxics_injected_total', { origin: 'chaos_loop' }) >= 1,
      );
      assert.equal(manager.family('chaos_lab_toxics_active')?.type, 'GAUGE');

      const model = await scrapeMetrics(at(MODEL_PART.serverPort));
      assert.ok(model.value('chaos_lab_model_server_requests_total', { fault: 'none' }) >= 1);

      // Each tool service is a process of its own: it counts only its own requests.
      let served = 0;
      for (const s of SERVICES) {
        const tool = await scrapeMetrics(at(s.toolPort));
        assert.ok(tool.family('process_cpu_seconds_total'), s.name);
        const others = tool
          .family('chaos_lab_tool_requests_total')!
          .metrics.filter((m) => m.labels?.service !== s.name);
        assert.deepEqual(others, [], `${s.name} counts only its own requests`);
        served += tool.value('chaos_lab_tool_requests_total');
      }
      assert.ok(served >= 1, 'the tool services counted requests');
    } finally {
      process.kill(-run.child.pid!, 'SIGTERM');
      const { code } = await run.exit;
      assert.equal(code, 143, run.output());
    }
  });
});
