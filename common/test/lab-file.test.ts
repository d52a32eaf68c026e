import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  BUILTIN_TOOLS,
  isLabError,
  labServices,
  loadSettings,
  mapToolRequest,
  parseLabFile,
  proxyEndpoint,
  SERVICES,
  TOOL_NAMES,
  toolEndpoint,
} from '@chaos-lab/common';

/** The problems of a lab file text, one line each. */
function problems(text: string): string[] {
  try {
    parseLabFile('lab.yaml', text);
  } catch (err) {
    assert.ok(isLabError(err, 'LAB_FILE_INVALID'));
    return err.message.split('\n');
  }
  assert.fail('expected the lab file to be refused');
}

const TOOL = `
    tools:
      - name: get_quote
        description: A quote.
        arguments: { type: object, properties: { topic: { type: string } } }
        http: { method: GET, path: /quote }`;

describe('the lab file', () => {
  it('the shipped lab.yaml declares the seven built-in services as the registry has them', () => {
    const services = labServices(loadSettings({}, { dotenv: false }));
    assert.deepEqual(
      services.map((s) => [s.name, s.run, s.toolPort, s.proxyPort, s.proxyName, s.containerName, s.healthPath]),
      SERVICES.map((s) => [s.name, 'builtin', s.toolPort, s.proxyPort, s.proxyName, s.containerName, '/health']),
    );
    assert.deepEqual(
      services.flatMap((s) => s.tools.map((t) => t.name)),
      [...TOOL_NAMES],
    );
  });

  it("gives a built-in service the lab's own tools: the one description, its JSON Schema made from the zod schema", () => {
    const [calendar] = parseLabFile('lab.yaml', 'services:\n  - name: calendar\n    run: builtin\n    port: 5003\n');
    assert.deepEqual(
      calendar!.tools.map((t) => t.name),
      ['get_events', 'add_event', 'delete_events'],
    );
    for (const tool of calendar!.tools) {
      const own = BUILTIN_TOOLS.find((t) => t.name === tool.name)!;
      assert.equal(tool.description, own.description);
      assert.deepEqual(tool.http, own.http);
      assert.equal(
        z
          .fromJSONSchema(tool.arguments as z.core.JSONSchema.JSONSchema)
          .safeParse({ date: '2030-01-15', title: 'x', time: '09:00' }).success,
        true,
      );
    }
    const events = calendar!.tools[0]!.arguments as {
      properties: Record<string, { type?: string; description?: string }>;
      required: string[];
    };
    assert.deepEqual(events.required, ['date']);
    assert.equal(events.properties.per_page!.type, 'integer');
    assert.match(events.properties.date!.description!, /YYYY-MM-DD/);
    assert.deepEqual(
      mapToolRequest(calendar!.tools[1]!, { title: 'Standup', date: '2030-01-15', time: '09:00' }, 'call-1'),
      {
        method: 'POST',
        path: '/events',
        body: { title: 'Standup', date: '2030-01-15', time: '09:00', request_id: 'call-1' },
      },
    );
  });

  it("derives a proxy port from the position, reads a url service's host, port and path, and maps calls to requests", () => {
    const [quotes, remote] = parseLabFile(
      'lab.yaml',
      `services:
  - name: quotes
    run: command
    command: [node, quote.mjs]
    port: 5100${TOOL}
  - name: remote
    run: url
    url: http://tools.example:8080/api/
    tools:
      - name: put_note
        description: Keep a note.
        arguments: { type: object, properties: { text: { type: string } }, required: [text] }
        http: { method: POST, path: /notes, writes: true, rename: { text: body } }
`,
    );
    const settings = loadSettings({ PORT_OFFSET: '10', TOXIPROXY_HOST: 'toxiproxy' }, { dotenv: false });
    assert.deepEqual([quotes!.proxyPort, remote!.proxyPort], [6000, 6001]);
    assert.deepEqual(toolEndpoint(quotes!, settings), { host: '127.0.0.1', port: 5110 });
    assert.deepEqual(
      toolEndpoint(remote!, settings),
      { host: 'tools.example', port: 8080 },
      "a URL's port is not shifted",
    );
    assert.deepEqual(proxyEndpoint(remote!, settings), { host: 'toxiproxy', port: 6011 });
    assert.equal(remote!.basePath, '/api');
    assert.deepEqual(mapToolRequest(quotes!.tools[0]!, { topic: 'chaos' }), {
      method: 'GET',
      path: '/quote',
      query: { topic: 'chaos' },
    });
    assert.deepEqual(mapToolRequest(remote!.tools[0]!, { text: 'hi' }, 'call-1'), {
      method: 'POST',
      path: '/notes',
      body: { body: 'hi', request_id: 'call-1' },
    });
  });

  it('a bad entry is refused with one line per problem, naming the path, the value and what is allowed', () => {
    assert.deepEqual(problems(`services:\n  - name: Quotes\n    run: lambda\n    port: 0\n    colour: red\n`), [
      'lab.yaml: services[0].name: must be a lowercase name: a letter, then letters, digits or "_" (at most 40) (got "Quotes")',
      'lab.yaml: services[0].run: must be one of builtin, command, url, compose (got "lambda")',
      'lab.yaml: services[0].port: must be a TCP port (an integer from 1 to 65535) (got 0)',
      'lab.yaml: services[0]: unknown field "colour"',
    ]);
    assert.deepEqual(problems(`services:\n  - name: weather2\n    run: builtin\n    port: 5001\n`), [
      'lab.yaml: services[0].name: must be one of the built-in services (search, weather, movie, calendar, calculator, message, translator) with run: builtin (got "weather2")',
    ]);
    assert.deepEqual(
      problems(
        `services:\n  - name: weather\n    run: builtin\n    port: 5001${TOOL}\n  - name: w2\n    run: command\n    command: [x]\n    port: 5100\n    tools:\n      - { name: get_weather, description: W., arguments: { type: object }, http: { method: GET, path: /w } }\n`,
      ),
      [
        'lab.yaml: services[0].tools: is not allowed with run: builtin (a built-in service\'s tools are the lab\'s own) (got [{"name":"get_quote","description":"A quote.","arguments"...)',
        'lab.yaml: services[1].tools[0].name: tool "get_weather" is already used by services[0] (got "get_weather")',
      ],
    );
    assert.deepEqual(
      problems(
        `services:\n  - name: a\n    run: command\n    command: [x]\n    port: 5100${TOOL}\n  - name: a\n    run: url\n    url: http://h:1/mcp\n    transport: mcp${TOOL}\n`,
      ),
      [
        'lab.yaml: services[1].tools: is not allowed with transport: mcp (the agent lists them from the server) (got [{"name":"get_quote","description":"A quote.","arguments"...)',
        'lab.yaml: services[1].name: "a" is already used by services[0] (got "a")',
        'lab.yaml: services[1].tools[0].name: tool "get_quote" is already used by services[0] (got "get_quote")',
      ],
    );
    assert.deepEqual(problems('services: [oops'), [
      'lab.yaml: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('the settings check at start names a bad LAB_FILE', () => {
    assert.throws(
      () => labServices({ LAB_FILE: '/nonexistent/lab.yaml' }),
      /\/nonexistent\/lab\.yaml: cannot be read \(ENOENT\)/,
    );
  });
});
