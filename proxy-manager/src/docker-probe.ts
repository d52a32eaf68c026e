/**
 * Tool containers' state and health, read through dockerode when a Docker engine is reachable: in
 * compose mode the health monitor reports them beside its own `/health` checks; in local mode (no
 * socket) there is nothing to read.
 *
 * Where Docker is, is Docker's own convention, not a lab setting: `DOCKER_HOST` when set, else the
 * socket `/var/run/docker.sock` when it exists.
 */
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import type { ServiceSpec } from '@chaos-lab/common';

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
   * One listing of every container, matched to services by compose service label or container name.
   * @returns service name → its container (absent when it has none)
   * @throws when the engine does not answer
   */
  containers(services: readonly ServiceSpec[]): Promise<Map<string, ContainerState>>;
}

/** The default Docker socket. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * A probe for the Docker engine, or undefined when there is none to talk to.
 * @param options `dockerHost` (default `process.env.DOCKER_HOST`), `socketPath` (default
 *   {@link DEFAULT_DOCKER_SOCKET}), `timeoutMs` of one engine call
 */
export function createDockerProbe(options: { dockerHost?: string; socketPath?: string; timeoutMs: number }): DockerProbe | undefined {
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
  return {
    endpoint,
    async containers(services) {
      const all = await (await docker()).listContainers({ all: true });
      const found = new Map<string, ContainerState>();
      for (const spec of services) {
        const matches = all.filter(
          (c) => c.Labels?.['com.docker.compose.service'] === spec.containerName || c.Names.includes(`/${spec.containerName}`),
        );
        // Several compose projects may hold one: a running one tells the most.
        const info = matches.find((c) => c.State === 'running') ?? matches[0];
        if (!info) continue;
        const health = /\((healthy|unhealthy|health: starting)\)/.exec(info.Status)?.[1]?.replace('health: ', '') ?? null;
        found.set(spec.name, { container: (info.Names[0] ?? info.Id).replace(/^\//, ''), state: info.State, health, status: info.Status });
      }
      return found;
    },
  };
}
