/**
 * Tool containers' state and health, read through dockerode when a Docker engine is reachable: in
 * compose mode the health monitor reports them beside its own `/health` checks; in local mode (no
 * socket, or no container of the lab's) there is nothing to read.
 *
 * Where Docker is, is Docker's own convention, not a lab setting: `DOCKER_HOST` when set, else the
 * socket `/var/run/docker.sock` when it exists.
 *
 * Only the lab's own compose project is looked at: another project on the same engine may well have
 * containers named `weather_tool` (a second copy of the lab, an older checkout), and reporting those
 * would blame or clear the wrong service. The project is `COMPOSE_PROJECT_NAME` when set in the
 * environment (Compose's own variable), else the `com.docker.compose.project` label of the container
 * this process runs in. Outside any container, with no project named, no container is the lab's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import type { ServiceRef } from '@chaos-lab/common';

/** A tool container as Docker reports it. */
export interface ContainerState {
  /** Container name, e.g. `search_tool` or `lab-search_tool-1`. */
  readonly container: string;
  /** Docker's state: `running`, `exited`, `restarting`… */
  readonly state: string;
  /** Health check result: `healthy`, `unhealthy`, `starting`, or null without a health check. */
  readonly health: string | null;
  /** Docker's status line, e.g. `Up 5 minutes (healthy)`. */
  readonly status: string;
}

/** Reads the tool containers' states. */
export interface DockerProbe {
  /** Where the engine is: the `DOCKER_HOST` value or the socket path. */
  readonly endpoint: string;
  /**
   * One listing of every container, of which those of the lab's compose project are matched to
   * services by compose service label or container name.
   * @returns service name → its container (absent when it has none; empty while the lab's project is
   *   unknown, see the file comment)
   * @throws when the engine does not answer
   */
  containers(services: readonly ServiceRef[]): Promise<Map<string, ContainerState>>;
}

/** The default Docker socket. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** The label Compose puts on every container of a project, holding the project's name. */
const PROJECT_LABEL = 'com.docker.compose.project';

/**
 * Ids this process's container may have, when it runs in one: the 64-hex-digit id in
 * `/proc/self/mountinfo` (Docker bind-mounts `/etc/hostname` and `/etc/hosts` from
 * `/var/lib/docker/containers/<id>/`), and the host name, which Docker sets to the id's first 12
 * digits unless the container names another. Empty outside a container.
 */
export function ownContainerIds(): string[] {
  const ids: string[] = [];
  try {
    const id = /\/containers\/([0-9a-f]{64})\//.exec(readFileSync('/proc/self/mountinfo', 'utf8'))?.[1];
    if (id) ids.push(id);
  } catch {
    // not Linux, or /proc not mounted: the host name may still say
  }
  if (/^[0-9a-f]{12}$/.test(hostname())) ids.push(hostname());
  return ids;
}

type ContainerInfo = Docker.ContainerInfo;

/**
 * A probe for the Docker engine, or undefined when there is none to talk to.
 * @param options `dockerHost` (default `process.env.DOCKER_HOST`), `socketPath` (default
 *   {@link DEFAULT_DOCKER_SOCKET}), `timeoutMs` of one engine call; `composeProject`, the lab's project
 *   (default `process.env.COMPOSE_PROJECT_NAME`, else found from `ownIds`); `ownIds`, this process's
 *   container id candidates (default {@link ownContainerIds})
 */
export function createDockerProbe(options: {
  dockerHost?: string;
  socketPath?: string;
  timeoutMs: number;
  composeProject?: string;
  ownIds?: readonly string[];
}): DockerProbe | undefined {
  const dockerHost = options.dockerHost ?? process.env.DOCKER_HOST;
  const socketPath = options.socketPath ?? DEFAULT_DOCKER_SOCKET;
  let endpoint: string;
  if (dockerHost) endpoint = dockerHost;
  else if (existsSync(socketPath)) endpoint = socketPath;
  else return undefined;
  // dockerode is loaded on first use, not at start: it costs a fifth of a second of CPU, on the lab's start-up path.
  let client: Promise<Docker> | undefined;
  const docker = () =>
    (client ??= import('dockerode').then(({ default: Dockerode }) =>
      dockerHost
        ? new Dockerode({ timeout: options.timeoutMs }) // dockerode reads DOCKER_HOST itself
        : new Dockerode({ socketPath, timeout: options.timeoutMs }),
    ));
  let project = (options.composeProject ?? process.env.COMPOSE_PROJECT_NAME)?.trim() || undefined;
  const ownIds = options.ownIds ?? ownContainerIds();
  /** The lab's project: named, or read once from this process's own container in the listing. */
  const labProject = (all: readonly ContainerInfo[]): string | undefined => {
    if (project !== undefined) return project;
    const own = all.find((c) => ownIds.some((id) => c.Id.startsWith(id)));
    project = own?.Labels?.[PROJECT_LABEL];
    return project;
  };
  return {
    endpoint,
    async containers(services) {
      const all = await (await docker()).listContainers({ all: true });
      const found = new Map<string, ContainerState>();
      const lab = labProject(all);
      if (lab === undefined) return found;
      const ours = all.filter((c) => c.Labels?.[PROJECT_LABEL] === lab);
      for (const spec of services) {
        const matches = ours.filter(
          (c) =>
            c.Labels?.['com.docker.compose.service'] === spec.containerName ||
            c.Names.includes(`/${spec.containerName}`),
        );
        // A service scaled to several containers: a running one tells the most.
        const info = matches.find((c) => c.State === 'running') ?? matches[0];
        if (!info) continue;
        const health =
          /\((healthy|unhealthy|health: starting)\)/.exec(info.Status)?.[1]?.replace('health: ', '') ?? null;
        found.set(spec.name, {
          container: (info.Names[0] ?? info.Id).replace(/^\//, ''),
          state: info.State,
          health,
          status: info.Status,
        });
      }
      return found;
    },
  };
}
