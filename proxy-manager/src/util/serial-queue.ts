/**
 * A queue that runs async jobs one at a time, in the order they were queued.
 *
 * Every change the proxy-manager makes to Toxiproxy and to its own record of injected toxics (a chaos
 * tick, a toxic's expiry, shutdown) goes through one queue, so a toxic can never be removed while it
 * is being injected, and the "one toxic per proxy" rule needs no locks.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Queues `job` behind every job queued before it.
   * @returns what `job` resolves with, or its rejection (a failed job does not stop later ones)
   */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
