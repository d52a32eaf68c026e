// An external MCP server declared in the lab file (`run: url`, `transport: mcp`): the agent lists its
// tools through the server's proxy with the SDK client, calls them over MCP through the same proxy
// (in the session the server opened), and records each attempt, a toxic's included.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Settings } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { type ToxiproxyServer, startToxiproxyServer } from '@chaos-lab/toxiproxy';
import express from 'express';
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { z } from 'zod';
import type { ToolCallRow } from '../src/records/records.js';
import { toolBindings } from '../src/tool-calls/tool-bindings.js';
import { type PromptAttemptContext, createTools, registryEndpoints, toolCallPolicy } from '../src/tool-calls/tools.js';

/** A stateful MCP server of someone else's (sessions, as the SDK's own example keeps them), with one tool. */
function startExternalServer(): Promise<Server> {
  const app = express();
  app.use(express.json());
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.post('/mcp', async (req, res) => {
    const id = req.get('mcp-session-id');
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (!isInitializeRequest(req.body))
        return void res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'no session' }, id: null });
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        onsessioninitialized: (sid) => void sessions.set(sid, transport!),
      });
      const server = new McpServer({ name: 'external', version: '1.0.0' });
      server.registerTool(
        'shout',
        { description: 'Says a text louder.', inputSchema: { text: z.string() } },
        ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }),
      );
      await server.connect(transport);
    }
    await transport.handleRequest(req, res, req.body);
  });
  const server = createServer(app);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('an external MCP server declared in the lab file', () => {
  const tmp = makeTempDir('agent-mcp-external-');
  let external: Server;
  let toxiproxy: ToxiproxyServer;
  let proxy: Proxy;
  let settings: Settings;
  before(async () => {
    external = await startExternalServer();
    toxiproxy = await startToxiproxyServer({ port: 0, seed: 1 });
    const serverPort = (external.address() as AddressInfo).port;
    proxy = await new Toxiproxy(toxiproxy.url).createProxy({
      name: 'shouter_proxy',
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${serverPort}`,
    });
    const proxyPort = Number(proxy.listen.split(':').at(-1));
    const labFile = join(tmp.path, 'lab.yaml');
    // The two lines that declare it, beside its name: where it is and that it speaks MCP.
    writeFileSync(
      labFile,
      `services:\n  - name: shouter\n    run: url\n    url: http://127.0.0.1:${serverPort}/mcp\n    transport: mcp\n    proxyPort: ${proxyPort}\n`,
    );
    settings = testSettings(tmp.path, {
      LAB_FILE: labFile,
      TOOL_LIMIT: '2',
      FALLBACK: 'off',
      PROXY_TIMEOUT_MS: '500',
      TOOL_BACKOFF_BASE_MS: '0',
    });
  });
  after(async () => {
    await toxiproxy?.close();
    await new Promise((r) => external?.close(r));
    tmp.cleanup();
  });

  it('the agent lists its tools through the proxy and calls them over MCP, attempts recorded with their outcome', async () => {
    const bindings = await toolBindings(settings);
    assert.deepEqual(
      bindings.map((b) => [b.spec.name, b.service.name, b.mcp?.path, typeof b.mcp?.sessionId]),
      [['shout', 'shouter', '/mcp', 'string']],
    );
    const rows: ToolCallRow[] = [];
    const [shout] = createTools({
      runId: 'ext-1',
      bindings,
      endpoints: registryEndpoints(settings),
      policy: toolCallPolicy(settings),
      now: Date.now,
      record: (row) => rows.push(row),
    });
    const context = (): PromptAttemptContext => ({
      promptIndex: 0,
      promptAttempt: 1,
      signal: new AbortController().signal,
      failures: [],
    });
    const invoke = (id: string) =>
      shout!.invoke({ id, name: 'shout', args: { text: 'chaos' }, type: 'tool_call' }, {
        context: context(),
        toolCallId: id,
      } as never) as Promise<{ content: string }>;

    assert.equal((await invoke('tc-1')).content, 'CHAOS');
    const held = await proxy.addToxic({
      name: 'held',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    try {
      assert.match((await invoke('tc-2')).content, /shout failed: the shouter service gave no result after 2 attempts/);
    } finally {
      await held.remove();
    }
    assert.deepEqual(
      rows.map((r) => `${r.service}/${r.tool}:${r.attempt}:${r.via}:${r.outcome}`),
      ['shouter/shout:1:proxy:ok', 'shouter/shout:1:proxy:timeout', 'shouter/shout:2:proxy:timeout'],
    );
  });
});
