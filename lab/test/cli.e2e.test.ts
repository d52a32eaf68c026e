import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { CLI } from './support/cli.js';

describe('chaos-lab command line', () => {
  it('carries on quietly when its console is closed (`chaos-lab … | head`)', async () => {
    const child = spawn(process.execPath, [CLI, 'settings', '--format', 'env'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Close the pipe before the command writes anything, as a `head` that has already exited would.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });

  it('reports a bad setting in one line per problem and exits 2', async () => {
    const child = spawn(process.execPath, [CLI, 'settings', '--check'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, TOXIC_PROB: '1.5', TOOL_LIMIT: 'zero' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'chaos-lab: invalid settings\nTOXIC_PROB=1.5: must be a number from 0 to 1\nTOOL_LIMIT=zero: must be an integer from 1 to 100\n',
    );
  });
});
