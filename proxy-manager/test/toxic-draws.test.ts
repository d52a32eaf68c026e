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
      assert.deepEqual(
        drawTick(random, proxies, always).map((p) => p?.proxy),
        proxies,
      );
      assert.ok(drawTick(random, proxies, never).every((p) => p === undefined));
    }
  });

  it('draw types from TOXICS only, both streams, and every attribute and duration inside its documented range', () => {
    const settings = testSettings(dir.path, {
      TOXIC_PROB: '1',
      TOXICS: 'latency,timeout,slicer,noop',
      TOXIC_DURATION_MS: '100-900',
    });
    const random = createRandom(11).fork('chaos');
    const seenTypes = new Set<string>();
    const seenStreams = new Set<string>();
    for (let tick = 0; tick < 200; tick++) {
      for (const plan of drawTick(random, proxies, settings)) {
        assert.ok(plan);
        seenTypes.add(plan.type);
        seenStreams.add(plan.stream);
        const longest = plan.type === 'timeout' ? Math.max(900, plan.attributes.timeout!) : 900;
        assert.ok(plan.durationMs >= 100 && plan.durationMs <= longest, `${plan.type} duration ${plan.durationMs}`);
        assert.equal(plan.name, `chaos_${plan.type}_${plan.stream}`);
        assert.equal(plan.toxicity, 1);
        const ranges = attributeRanges(plan.type, settings);
        assert.deepEqual(
          Object.keys(plan.attributes),
          ranges.map((r) => r.attribute),
        );
        for (const r of ranges) {
          const value = plan.attributes[r.attribute]!;
          assert.ok(
            Number.isInteger(value) && value >= r.min && value <= r.max,
            `${plan.type}.${r.attribute}=${value} outside ${r.min}-${r.max}`,
          );
        }
      }
    }
    assert.deepEqual([...seenTypes].sort(), ['latency', 'noop', 'slicer', 'timeout']);
    assert.deepEqual([...seenStreams].sort(), [...STREAMS].sort());
  });

  it("draw a timeout toxic's timeout around the agent's PROXY_TIMEOUT_MS, so some close the call and some time it out", () => {
    const [byDefault] = attributeRanges('timeout', testSettings(dir.path));
    assert.deepEqual(byDefault, { attribute: 'timeout', unit: 'ms', min: 2500, max: 7500 });
    const [shorter] = attributeRanges('timeout', testSettings(dir.path, { PROXY_TIMEOUT_MS: '1000' }));
    assert.deepEqual([shorter!.min, shorter!.max], [500, 1500]);

    const random = createRandom(5).fork('chaos');
    const plans = Array.from({ length: 100 }, () =>
      drawTick(random, proxies, testSettings(dir.path, { TOXIC_PROB: '1' })),
    ).flat();
    const closing = plans.filter((p) => p!.attributes.timeout! < 5000);
    const holding = plans.filter((p) => p!.attributes.timeout! >= 5000);
    assert.ok(
      closing.length > 200 && holding.length > 200,
      `${closing.length} close before the agent's timeout, ${holding.length} hold past it`,
    );
    for (const plan of plans) {
      // Removing a timeout toxic closes what it holds: it stays until its own timeout could fire.
      assert.ok(
        plan!.durationMs >= plan!.attributes.timeout! && plan!.durationMs >= 2000,
        `duration ${plan!.durationMs} for timeout ${plan!.attributes.timeout}`,
      );
      assert.ok(plan!.durationMs <= Math.max(6000, plan!.attributes.timeout!));
    }
  });

  it('keep the slicer size variation below its average size, as Toxiproxy requires', () => {
    const [average, variation] = attributeRanges('slicer', testSettings(dir.path));
    assert.ok(variation!.max < average!.min);
  });
});
