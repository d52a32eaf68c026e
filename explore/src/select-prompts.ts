/**
 * The prompts of a breaking-point search: from a prompts file (default `agent/prompts.json`), those
 * named by id or 1-based position, else those with one of the tags, else those that use the target
 * (tagged with its service name, or expecting one of its tools); at most `limit` of them, in file
 * order. The entries are kept as the file holds them (with their `expect`), so verdicts stay the same.
 */
import { readFileSync } from 'node:fs';
import { getService, LabError, resolveFromRoot, type ServiceName } from '@chaos-lab/common';
import { loadPrompts } from '@chaos-lab/agent/prompts';

/** How to choose the prompts. */
export interface PromptSelection {
  /** The prompts file (relative to the project root or absolute); default agent/prompts.json. */
  readonly file?: string;
  /** Prompt ids or 1-based positions in the file. */
  readonly ids?: readonly string[];
  /** Keep entries with any of these tags. */
  readonly tags?: readonly string[];
  /** At most this many (the first ones). */
  readonly limit?: number;
}

/** A chosen prompt: the file's raw entry and a label (its id, or `#N`, its 1-based position). */
export interface SelectedPrompt {
  readonly label: string;
  readonly entry: Record<string, unknown>;
}

type Entry = { id?: string; tags?: string[]; expect?: { tools?: (string | { tool: string })[] } } & Record<
  string,
  unknown
>;

function usesService(e: Entry, service: ServiceName): boolean {
  const tools: readonly string[] = getService(service).tools;
  return (
    (e.tags ?? []).includes(service) ||
    (e.expect?.tools ?? []).some((t) => tools.includes(typeof t === 'string' ? t : t.tool))
  );
}

/**
 * Chooses the prompts (see the file comment).
 * @throws {LabError} `PROMPTS_INVALID` for a bad prompts file; `VALIDATION` for an unknown id or position,
 *   or a selection that keeps no prompt
 */
export function selectPrompts(target: ServiceName, s: PromptSelection): SelectedPrompt[] {
  const path = resolveFromRoot(s.file ?? 'agent/prompts.json');
  loadPrompts(path);
  const entries = JSON.parse(readFileSync(path, 'utf8')) as Entry[];
  const labelled = entries.map((entry, i) => ({ label: entry.id ?? `#${i + 1}`, entry }));
  let chosen: typeof labelled;
  if (s.ids && s.ids.length > 0) {
    chosen = s.ids.map((id) => {
      const found =
        labelled.find((p) => p.entry.id === id) ?? (/^\d+$/.test(id) ? labelled[Number(id) - 1] : undefined);
      if (!found) throw new LabError('VALIDATION', `--prompt-ids: no prompt with id or position ${id} in ${path}`);
      return found;
    });
  } else if (s.tags && s.tags.length > 0) {
    chosen = labelled.filter((p) => (p.entry.tags ?? []).some((t) => s.tags!.includes(t)));
  } else {
    chosen = labelled.filter((p) => usesService(p.entry, target));
  }
  if (s.limit !== undefined) chosen = chosen.slice(0, s.limit);
  if (chosen.length === 0)
    throw new LabError(
      'VALIDATION',
      `no prompt of ${path} is selected (${s.tags ? `tags ${s.tags.join(', ')}` : `prompts that use ${target}`})`,
    );
  return chosen;
}
