/**
 * The eighth proxy: with MODEL_PROXY=on the manager keeps `model_proxy` (listen 6100 + PORT_OFFSET,
 * upstream the model server at MODEL_HOST:8100 + PORT_OFFSET) beside the seven tool proxies, and its
 * chaos loop injects toxics on it at MODEL_TOXIC_PROB, recorded like the others.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MODEL_PART } from '@chaos-lab/common';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

describe('model_proxy', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({
      MODEL_PROXY: 'on',
      TOXIC_PROB: '0',
      MODEL_TOXIC_PROB: '1',
      TOXICS: 'latency',
      TOXIC_DURATION_MS: '300-500',
    });
    lab.startRun('run-m', 'active');
    await lab.startManager();
  });
  after(() => lab.close());

  it('is created in front of the model server, and only it gets toxics at MODEL_TOXIC_PROB', async () => {
    const proxies = await waitFor('a toxic on model_proxy', async () => {
      const listed = await lab.proxies();
      return (listed[MODEL_PART.proxyName]?.toxics.length ?? 0) > 0 && listed;
    });
    const model = proxies[MODEL_PART.proxyName]!;
    assert.equal(model.upstream, `127.0.0.1:${MODEL_PART.serverPort + lab.settings.PORT_OFFSET}`);
    assert.match(model.listen, new RegExp(`:${MODEL_PART.proxyPort + lab.settings.PORT_OFFSET}$`));
    assert.equal(Object.keys(proxies).length, 8);
    const events = lab.events('run-m');
    assert.ok(
      events.length > 0 && events.every((e) => e.proxy === MODEL_PART.proxyName),
      'TOXIC_PROB 0: no tool proxy is touched',
    );
  });
});
