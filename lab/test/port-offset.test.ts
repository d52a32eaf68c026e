// Two labs on one machine: an offset whose span overlaps a running lab's is refused before anything
// starts, naming that lab and a safe offset; PORT_OFFSET=auto picks a block no lab overlaps.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import {
  claimLabSpan,
  createLogger,
  liveLabClaims,
  loadSettings,
  PORT_BLOCK_OFFSETS,
  PORT_BLOCK_SIZE,
  pickPortOffset,
  spansOverlap,
} from '@chaos-lab/common';
import { makeTempDir, testSettings, writeToolPrompts } from '@chaos-lab/common/testing';
import { runLab } from '../src/launcher/up.js';

const tmp = makeTempDir('chaos-lab-port-offset-');
after(() => tmp.cleanup());

/**
 * Offsets beyond the tests' blocks (the last, 21000, spans up to 29474), so the claims made here never
 * meet another test's lab, nor a developer's on the default ports.
 */
const OTHER_LAB_OFFSET = 25_000;

describe('PORT_OFFSET: labs a whole span apart', () => {
  it('the safe step is the span rounded up: 3500, and offsets that close overlap', () => {
    assert.equal(PORT_BLOCK_SIZE, 3500);
    assert.equal(spansOverlap(0, 1000), true);
    assert.equal(spansOverlap(0, 3474), true);
    assert.equal(spansOverlap(0, 3475), false);
    assert.equal(spansOverlap(7000, 3500), false);
  });

  it("an offset overlapping a running lab's span is refused before anything starts, naming it and a safe offset (exit 1)", async () => {
    const release = claimLabSpan(OTHER_LAB_OFFSET, '/elsewhere/lab.db');
    try {
      const settings = testSettings(tmp.path, {
        PORT_OFFSET: String(OTHER_LAB_OFFSET + 1000),
        PROMPTS_FILE: writeToolPrompts(tmp.path, 2),
      });
      const out = new PassThrough();
      let text = '';
      out.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const code = await runLab(settings, createLogger({ name: 'lab', settings }), {
        keep: false,
        out: out as unknown as NodeJS.WriteStream,
      });
      assert.equal(code, 1, text);
      assert.match(
        text,
        /^chaos-lab: PORT_OFFSET=26000: this lab's ports 31000–34474 overlap those of the lab running as pid \d+ \(PORT_OFFSET=25000: ports 30000–33474, \/elsewhere\/lab\.db\); labs need PORT_OFFSETs at least 3500 apart \(a lab spans ports 5000–8474\): use PORT_OFFSET=\d+, or PORT_OFFSET=auto\n$/,
      );
      assert.ok(!liveLabClaims().some((c) => c.offset === OTHER_LAB_OFFSET + 1000), 'the refused lab left no claim');
    } finally {
      release();
    }
    assert.ok(!liveLabClaims().some((c) => c.offset === OTHER_LAB_OFFSET), 'the claim was given back');
  });

  it('auto picks a block whose span no running lab overlaps', async () => {
    const offset = await pickPortOffset();
    assert.ok([0, ...PORT_BLOCK_OFFSETS].includes(offset), String(offset));
    const release = claimLabSpan(offset, '/elsewhere/lab.db');
    try {
      const next = await pickPortOffset();
      assert.ok(next > offset && !spansOverlap(next, offset), `${next} after ${offset}`);
    } finally {
      release();
    }
  });

  it('auto is for the commands that launch labs only: any other reader of the settings says so', () => {
    assert.throws(
      () => loadSettings({ PORT_OFFSET: 'auto' }, { dotenv: false }),
      /PORT_OFFSET=auto: auto is picked only by the commands that launch labs \(up, run, shrink, breaking-point\); here it must be an integer from 0 to 50000$/m,
    );
    assert.throws(
      () => loadSettings({ PORT_OFFSET: '-3' }, { dotenv: false }),
      /PORT_OFFSET=-3: must be an integer from 0 to 50000$/m,
    );
  });
});
