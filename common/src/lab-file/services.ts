/**
 * The lab's tool services at run time: the lab file named by `LAB_FILE`, read once per process. Every
 * part that acts on "each tool service" (the proxy-manager's proxies and health checks, the agent's
 * tools, the launcher, the charts) reads this list, so one lab file entry reaches all of them.
 */
import { isLabError, LabError } from '../errors.js';
import type { Settings } from '../settings/index.js';
import { loadLabFile, type LabService } from './load.js';

/**
 * The tool services of the lab, in file order.
 * @param settings `LAB_FILE` (absolute)
 * @throws {LabError} `LAB_FILE_INVALID` (see `parseLabFile`)
 */
export function labServices(settings: Pick<Settings, 'LAB_FILE'>): readonly LabService[] {
  return loadLabFile(settings.LAB_FILE);
}

/**
 * One service of the lab by name.
 * @throws {LabError} `UNKNOWN_SERVICE` naming the lab's services when there is none of that name
 */
export function labService(settings: Pick<Settings, 'LAB_FILE'>, name: string): LabService {
  const services = labServices(settings);
  const found = services.find((s) => s.name === name);
  if (!found)
    throw new LabError(
      'UNKNOWN_SERVICE',
      `unknown service "${name}": the lab file declares ${services.map((s) => s.name).join(', ')}`,
    );
  return found;
}

/** The service of the lab that declares a tool, or undefined (an MCP server's tools are not declared). */
export function labServiceOfTool(settings: Pick<Settings, 'LAB_FILE'>, tool: string): LabService | undefined {
  return labServices(settings).find((s) => s.tools.some((t) => t.name === tool));
}

/** The lab file's problems as lines (empty when it is valid), for the settings check at start. */
export function labFileProblems(file: string): string[] {
  try {
    loadLabFile(file);
    return [];
  } catch (err) {
    if (!isLabError(err, 'LAB_FILE_INVALID')) throw err;
    return err.message.split('\n');
  }
}
