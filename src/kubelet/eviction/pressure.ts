/**
 * The node's pressure conditions over time, as upstream's eviction manager keeps them: a
 * condition goes True as soon as a threshold of its kind is met, and stays True until
 * no such threshold has been met for the pressure transition period (default 5 min), so
 * that a node hovering around a threshold does not flap. Time is passed in. Pure.
 */
import type { Pressure } from './signals.js';

export const DEFAULT_TRANSITION_PERIOD_MS = 5 * 60_000;

export class PressureTracker {
  private readonly lastObserved = new Map<Pressure, number>();

  constructor(private readonly periodMs = DEFAULT_TRANSITION_PERIOD_MS) {}

  /** Records the pressures observed at `now` and returns those in force. */
  observe(observed: Iterable<Pressure>, now: number): Set<Pressure> {
    for (const p of observed) this.lastObserved.set(p, now);
    return this.current(now);
  }

  current(now: number): Set<Pressure> {
    const out = new Set<Pressure>();
    for (const [p, at] of this.lastObserved) {
      if (now - at < this.periodMs || at === now) out.add(p);
      else this.lastObserved.delete(p);
    }
    return out;
  }
}
