import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  getService,
  proxyEndpoint,
  proxyListenAddress,
  serviceForTool,
  SERVICES,
  TOOL_NAMES,
  toolEndpoint,
} from '@chaos-lab/common';
import { testSettings } from '@chaos-lab/common/testing';

describe('service registry', () => {
  it('has the seven services on their default ports, and every tool served once', () => {
    assert.deepEqual(
      SERVICES.map((s) => [s.name, s.toolPort, s.proxyPort]),
      [
        ['search', 5000, 6000],
        ['weather', 5001, 6001],
        ['movie', 5002, 6002],
        ['calendar', 5003, 6003],
        ['calculator', 5004, 6004],
        ['message', 5005, 6005],
        ['translator', 5006, 6006],
      ],
    );
    assert.deepEqual(SERVICES.flatMap((s) => s.tools).sort(), [...TOOL_NAMES].sort());
    assert.equal(serviceForTool('add_event').name, 'calendar');
    assert.throws(() => getService('nope'), /unknown service "nope"/);
  });

  it('resolves endpoints from settings, with per-service hosts and a port offset', () => {
    const s = testSettings('/tmp', {
      WEATHER_TOOL_HOST: 'weather_tool',
      PORT_OFFSET: '10',
      TOXIPROXY_HOST: 'toxiproxy',
      TOXIPROXY_LISTEN_HOST: '0.0.0.0',
    });
    assert.deepEqual(toolEndpoint(getService('weather'), s), { host: 'weather_tool', port: 5011 });
    assert.deepEqual(toolEndpoint(getService('search'), s), { host: '127.0.0.1', port: 5010 });
    assert.deepEqual(proxyEndpoint(getService('movie'), s), { host: 'toxiproxy', port: 6012 });
    assert.equal(proxyListenAddress(getService('movie'), s), '0.0.0.0:6012');
  });
});
