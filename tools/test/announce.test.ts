/** Which requests a tool service announces (server/announce.ts): a tool's route, by its lab file `http` mapping. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinDeclaredTools } from '@chaos-lab/common';
import { toolOfRoute } from '../src/server/announce.js';

describe('the tool a request to a service calls', () => {
  it('is the one whose http mapping has its method and path', () => {
    const calendar = builtinDeclaredTools('calendar');
    assert.equal(toolOfRoute(calendar, 'GET', '/events'), 'get_events');
    assert.equal(toolOfRoute(calendar, 'POST', '/events'), 'add_event');
    assert.equal(toolOfRoute(calendar, 'DELETE', '/events'), 'delete_events');
    assert.equal(toolOfRoute(builtinDeclaredTools('weather'), 'GET', '/weather'), 'get_weather');
  });

  it('is none for the routes no tool maps to', () => {
    const weather = builtinDeclaredTools('weather');
    for (const [method, path] of [
      ['GET', '/health'],
      ['GET', '/writes'],
      ['POST', '/mcp'],
      ['POST', '/weather'],
    ] as const)
      assert.equal(toolOfRoute(weather, method, path), undefined, `${method} ${path}`);
  });
});
