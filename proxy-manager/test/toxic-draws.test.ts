import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, SERVICES, TOXIC_TYPES } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { attributeRanges, drawTick, STREAMS } from '../src/index.js';

const proxies = SERVICES.map((s) => s.proxyName);
const dir = makeTempDir();
process.on('exit', () => dir.cleanup());

describe('chaos draws', () => {
  it('draw the same decisions from the same seed, and different ones from another seed', () => {
    const settings = testSettings(dir.path, { TOXIC_PROB: '0.5', TOXICS: TOXIC_TYPES.join(',') });
    const draw = (seed: number) => {
      const random = createRandom(seed).fork('chaos');
      return Array.from({ length: 20 }, () => drawTick(random, proxies, settings));
    };
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
  });

  it('fire for every proxy at TOXIC_PROB=1 and for none at TOXIC_PROB=0', () => {
    const random = createRandom(3);
    const always = testSettings(dir.path, { TOXIC_PROB: '1' });
    const never = testSettings(dir.path, { TOXIC_PROB: '0' });
    for (let tick = 0; tick < 10; tick++) {
      assert.deepEqual(drawTick(random, proxies, always).map((p) => p?.proxy), proxies);
      assert.ok(drawTick(random, proxies, never).every((p) => p === undefined));
    }
  });

  it('draw types from TOXICS only, both streams, and every attribute and duration inside its documented range', () => {
    const settings = testSettings(dir.path, { TOXIC_PROB: '1', TOXICS: 'latency,timeout,slicer,noop', TOXIC_DURATION_MS: '100-900' });
    const random = createRandom(11).fork('chaos');
    const seenTypes = new Set<string>();
    const seenStreams = new Set<string>();
    for (let tick = 0; tick < 200; tick++) {
      for (const plan of drawTick(random, proxies, settings)) {
        assert.ok(plan);
        seenTypes.add(plan.type);
        seenStreams.add(plan.stream);
        assert.ok(plan.durationMs >= 100 && plan.durationMs <= 900, `duration ${plan.durationMs}`);
        assert.equal(plan.name, `chaos_${plan.type}_${plan.stream}`);
        assert.equal(plan.toxicity, 1);
        const ranges = attributeRanges(plan.type, settings);
        assert.deepEqual(Object.keys(plan.attributes), ranges.map((r) => r.attribute));
        for (const r of ranges) {
          const value = plan.attributes[r.attribute]!;
          assert.ok(Number.isInteger(value) && value >= r.min && value <= r.max, `${plan.type}.${r.attribute}=${value} outside ${r.min}-${r.max}`);
        }
      }
    }
    assert.deepEqual([...seenTypes].sort(), ['latency', 'noop', 'slicer', 'timeout']);
    assert.deepEqual([...seenStreams].sort(), [...STREAMS].sort());
  });

  it("keep a timeout toxic's timeout below the agent's PROXY_TIMEOUT_MS, as the original's 4000 ms against 5000 ms", () => {
    const [byDefault] = attributeRanges('timeout', testSettings(dir.path));
    assert.deepEqual(byDefault, { attribute: 'timeout', unit: 'ms', min: 2500, max: 4000 });
    const [shorter] = attributeRanges('timeout', testSettings(dir.path, { PROXY_TIMEOUT_MS: '1000' }));
    assert.ok(shorter!.max < 1000 && shorter!.min <= shorter!.max);
  });

  it('keep the slicer size variation below its average size, as Toxiproxy requires', () => {
    const [average, variation] = attributeRanges('slicer', testSettings(dir.path));
    assert.ok(variation!.max < average!.min);
  });
});
