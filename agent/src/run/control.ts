/**
 * The run's `control` row, kept current: phase `active` while at least one prompt is in flight and
 * `idle` between prompts, the lowest prompt index in flight, and a heartbeat on a timer. The
 * proxy-manager injects toxics only while the phase is `active`, and may treat a stale heartbeat as
 * an agent that died. `starting` and `done` are written by
 * {@link RunRecords.start} and {@link RunRecords.finish}.
 */
import type { Logger } from '@chaos-lab/common';
import type { RunRecords } from '../records/records.js';

/** How often the agent stamps `control.heartbeat_at` by default, ms. */
export const HEARTBEAT_INTERVAL_MS = 1000;

/** Tracks prompts in flight and mirrors them into `control`. */
export class ControlTracker {
  readonly #records: RunRecords;
  readonly #logger: Logger;
  readonly #inFlight = new Set<number>();
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param records the run's records
   * @param logger where failed writes are reported (they never stop the run)
   */
  constructor(records: RunRecords, logger: Logger) {
    this.#records = records;
    this.#logger = logger;
  }

  /** Starts the heartbeat timer (every `intervalMs`, default {@link HEARTBEAT_INTERVAL_MS}). */
  startHeartbeat(intervalMs = HEARTBEAT_INTERVAL_MS): void {
    this.#timer = setInterval(() => this.#write('heartbeat', () => this.#records.heartbeat()), intervalMs);
    this.#timer.unref();
  }

  /** A prompt started: phase `active`. */
  promptStarted(index: number): void {
    this.#inFlight.add(index);
    this.#sync();
  }

  /** A prompt finished: phase `idle` when none is left in flight. */
  promptEnded(index: number): void {
    this.#inFlight.delete(index);
    this.#sync();
  }

  /** Stops the heartbeat timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sync(): void {
    const current = this.#inFlight.size === 0 ? null : Math.min(...this.#inFlight);
    this.#write('phase', () => this.#records.setPhase(current === null ? 'idle' : 'active', current));
  }

  #write(what: string, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.#logger.warn({ err, what }, 'could not update the control row');
    }
  }
}
