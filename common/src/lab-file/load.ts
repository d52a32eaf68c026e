/**
 * Reading the lab file (`LAB_FILE`, default `lab.yaml`): YAML (the `yaml` package), validated by the one
 * schema (schema.ts), turned into the runtime list of tool services every part reads ({@link LabService}).
 * Every problem is one line naming the file, the path in it, the value and what is allowed, e.g.
 * `lab.yaml: services[2].port: must be a TCP port (an integer from 1 to 65535) (got 70000)`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { builtinDeclaredTools } from '../builtin-tools.js';
import { LabError } from '../errors.js';
import { PROJECT_ROOT } from '../paths.js';
import { proxyNameOf } from '../registry.js';
import { labFileSchema, type DeclaredService, type DeclaredTool } from './schema.js';

/** Where a declared service's proxy ports start when `proxyPort` is left out: 6000 + the entry's position. */
export const DERIVED_PROXY_PORT_BASE = 6000;

/** One tool service of the lab, as every part sees it (the runtime form of a lab file entry). */
export interface LabService {
  /** Service name, e.g. `weather`. */
  readonly name: string;
  /** How it runs (schema.ts, `RUN_KINDS`). */
  readonly run: DeclaredService['run'];
  /** The service's port: before `PORT_OFFSET`, except with `fixedPort`. */
  readonly toolPort: number;
  /** True when {@link toolPort} is not shifted by `PORT_OFFSET` (run: url: the URL's port). */
  readonly fixedPort: boolean;
  /** Host of the service when the declaration fixes it (run: url: the URL's; run: compose: the compose service). */
  readonly host?: string;
  /** The proxy's listen port, before `PORT_OFFSET`. */
  readonly proxyPort: number;
  /** Toxiproxy proxy name: `<name>_proxy`. */
  readonly proxyName: string;
  /** Compose service / container name: `<name>_tool` (run: compose: the declared one). */
  readonly containerName: string;
  /** GET path answering 2xx when the service is up (from the host's root, not under {@link basePath}). */
  readonly healthPath: string;
  /** run: url: the URL's path, prefixed to each tool's path (an MCP server's: its endpoint); '' otherwise. */
  readonly basePath: string;
  /** run: command: the program and its arguments (the lab sets PORT and BIND_HOST for it). */
  readonly command?: readonly string[];
  /** `http`: declared tools over HTTP; `mcp`: an external MCP server whose tools are listed from it. */
  readonly transport: DeclaredService['transport'];
  /** The declared tools (none for an MCP server); a built-in service's are the lab's own (builtin-tools.ts). */
  readonly tools: readonly DeclaredTool[];
}

/** A zod path as written in the file: `services[1].tools[0].http.method`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(top level)' : out;
}

/** The value at a path of the parsed file, for the error line. */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function issueLine(issue: z.core.$ZodIssue, data: unknown): string {
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys')
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const value = valueAt(data, issue.path);
  if (value === undefined)
    return `${where}: ${issue.message.startsWith('Invalid input') ? 'is required' : issue.message}`;
  const shown = JSON.stringify(value);
  return `${where}: ${issue.message} (got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown})`;
}

function invalid(file: string, problems: readonly string[]): LabError {
  const name = relative(PROJECT_ROOT, file) || file;
  return new LabError(
    'LAB_FILE_INVALID',
    problems.map((p) => `${name.startsWith('..') ? file : name}: ${p}`).join('\n'),
    { details: { file, problems } },
  );
}

/** The JSON Schemas the agent could not turn into tool schemas, as problem lines. */
function schemaProblems(services: readonly DeclaredService[]): string[] {
  const problems: string[] = [];
  services.forEach((s, i) => {
    s.tools?.forEach((t, j) => {
      try {
        z.fromJSONSchema(t.arguments as z.core.JSONSchema.JSONSchema);
      } catch (err) {
        problems.push(`services[${i}].tools[${j}].arguments: not a usable JSON Schema (${(err as Error).message})`);
      }
    });
  });
  return problems;
}

function toLabService(s: DeclaredService, index: number): LabService {
  const url = s.url === undefined ? undefined : new URL(s.url);
  const urlPort = url && (url.port === '' ? 80 : Number(url.port));
  return Object.freeze({
    name: s.name,
    run: s.run,
    toolPort: urlPort ?? s.port!,
    fixedPort: url !== undefined,
    ...(url ? { host: url.hostname.replace(/^\[|\]$/g, '') } : s.compose ? { host: s.compose } : {}),
    proxyPort: s.proxyPort ?? DERIVED_PROXY_PORT_BASE + index,
    proxyName: proxyNameOf(s.name),
    containerName: s.compose ?? `${s.name}_tool`,
    healthPath: s.health,
    basePath: url ? url.pathname.replace(/\/+$/, '') : '',
    ...(s.command ? { command: Object.freeze([...s.command]) } : {}),
    transport: s.transport,
    tools: s.run === 'builtin' ? builtinDeclaredTools(s.name) : Object.freeze([...(s.tools ?? [])]),
  });
}

/**
 * Parses and validates a lab file's text.
 * @param file the file's path, named in every problem line
 * @param text its YAML text
 * @returns the tool services, in file order
 * @throws {LabError} `LAB_FILE_INVALID`, one line per problem: `<file>: <path>: <rule> (got <value>)`
 */
export function parseLabFile(file: string, text: string): readonly LabService[] {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0)
    throw invalid(
      file,
      doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`),
    );
  const data: unknown = doc.toJS();
  const result = labFileSchema.safeParse(data);
  if (!result.success)
    throw invalid(
      file,
      result.error.issues.map((issue) => issueLine(issue, data)),
    );
  const problems = schemaProblems(result.data.services);
  if (problems.length > 0) throw invalid(file, problems);
  const services = result.data.services.map(toLabService);
  const ports = new Map<number, string>();
  services.forEach((s, i) => {
    const first = ports.get(s.proxyPort);
    if (first !== undefined)
      problems.push(`services[${i}].proxyPort: ${s.proxyPort} is already the proxy port of ${first} (set proxyPort)`);
    ports.set(s.proxyPort, s.name);
  });
  if (problems.length > 0) throw invalid(file, problems);
  return Object.freeze(services);
}

const cache = new Map<string, readonly LabService[]>();

/**
 * The tool services of a lab file, read once per path and process.
 * @param file absolute path (settings' `LAB_FILE`)
 * @throws {LabError} `LAB_FILE_INVALID` when it cannot be read or is not valid (see {@link parseLabFile})
 */
export function loadLabFile(file: string): readonly LabService[] {
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(file, [`cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  const services = parseLabFile(file, text);
  cache.set(file, services);
  return services;
}
