/**
 * A proxied connection: one accepted client socket, the upstream socket dialled for it, and the two
 * links between them.
 *
 *             ┌──────────── upstream link (client → server) ───────────┐
 *   client ───┤                                                         ├─── upstream server
 *             └─────────── downstream link (server → client) ◄──────────┘
 *
 * Toxiproxy 2.12.0 semantics: the upstream is dialled when the client is accepted (failure closes the
 * client); when one link ends, its destination is closed and the other link ends after delivering what
 * its toxics hold; a toxic may ask for the close to be a TCP RST (reset_peer).
 */
import { connect, type Socket } from 'node:net';
import type { Logger, Random } from '@chaos-lab/common';
import type { Clock } from '../clock.js';
import { Link, type LinkOwner } from './link.js';
import type { Direction, LinkCounters, LinkToxic } from './types.js';

/** What a connection needs from its proxy. */
export interface ConnectionContext {
  clock: Clock;
  /** This connection's random source (forked per direction inside). */
  random: Random;
  logger: Logger;
  /** The toxics of a direction at the time the link starts, in order. */
  toxics(direction: Direction): readonly LinkToxic[];
  /** Counters to add a direction's bytes to. */
  counters(direction: Direction): LinkCounters;
  /** Called once when both sockets are closed or the connection is destroyed. */
  onClosed(connection: Connection): void;
}

/** One client connection through a proxy. */
export class Connection implements LinkOwner {
  private readonly upstream: Socket;
  private readonly links = new Map<Direction, Link>();
  private openSockets = 2;
  private closed = false;
  private resetRequested = false;

  /**
   * Starts proxying `client` (accepted paused) to `upstream`: dials it, then starts both links.
   * @param client the accepted socket, not yet reading
   * @param upstreamAddress where to dial
   */
  constructor(
    private readonly client: Socket,
    upstreamAddress: { host: string; port: number },
    private readonly context: ConnectionContext,
  ) {
    client.setNoDelay(true);
    client.on('error', this.onSocketError);
    client.once('close', this.onSocketClose);
    const upstream = connect({
      host: upstreamAddress.host,
      port: upstreamAddress.port,
      allowHalfOpen: true,
      noDelay: true,
    });
    this.upstream = upstream;
    upstream.on('error', this.onSocketError);
    upstream.once('close', this.onSocketClose);
    upstream.once('connect', () => this.start(upstream));
  }

  private readonly onSocketError = (err: Error): void => {
    this.context.logger.debug({ err: err.message }, 'connection socket error');
  };

  /**
   * Before the links run, either socket closing (dial failure, client gone) closes the other; once
   * they run, the links see the close themselves and the connection is over when both sockets are.
   */
  private readonly onSocketClose = (): void => {
    this.openSockets--;
    if (this.links.size === 0) this.destroy();
    else if (this.openSockets === 0) this.finish();
  };

  private start(upstream: Socket): void {
    if (this.closed || this.client.destroyed) return;
    const { context } = this;
    const make = (direction: Direction, source: Socket, destination: Socket): Link =>
      new Link({
        direction,
        source,
        destination,
        clock: context.clock,
        random: context.random.fork(direction),
        toxics: context.toxics(direction),
        counters: context.counters(direction),
        owner: this,
      });
    this.links.set('upstream', make('upstream', this.client, upstream));
    this.links.set('downstream', make('downstream', upstream, this.client));
    this.client.resume();
  }

  /** The link of a direction, once the upstream is connected. */
  link(direction: Direction): Link | undefined {
    return this.links.get(direction);
  }

  get resetting(): boolean {
    return this.resetRequested;
  }

  requestReset(): void {
    this.resetRequested = true;
  }

  /** A link delivered its EOF: close its destination and end the other direction after what it holds. */
  linkEnded(link: Link): void {
    closeSocket(link.destination, this.resetting);
    const other = this.links.get(link.direction === 'upstream' ? 'downstream' : 'upstream');
    other?.endSource();
  }

  /** Both sockets closed (or the connection was destroyed): stop the links' timers and leave the proxy. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) link.dispose();
    this.context.onClosed(this);
  }

  /** Closes both sockets at once (proxy disabled, deleted or shut down, or a socket closed before the links started). */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.finish();
  }
}

/** Closes a socket after its pending writes (FIN), or at once with a TCP RST. */
function closeSocket(socket: Socket, reset: boolean): void {
  if (socket.destroyed) return;
  if (reset) {
    socket.resetAndDestroy();
    return;
  }
  socket.end(() => socket.destroy());
}
