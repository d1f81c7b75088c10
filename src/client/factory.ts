/**
 * Shared informers: one informer per resource for every component of a process, so the
 * scheduler and all controllers share one list+watch and one cache of pods. Components
 * ask for informers before start(); start() runs them all.
 */
import type { Client } from './client.js';
import { Informer } from './informer.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private signal: AbortSignal | undefined;

  constructor(
    readonly client: Client,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** The shared informer of `group/version/plural` (cluster-wide, no selectors). */
  informer(group: string, version: string, plural: string): Informer {
    const key = `${group}/${version}/${plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client.resource(group, version, plural), { log: this.log });
      this.informers.set(key, inf);
      // Asked for after start: run it too.
      if (this.signal) void inf.start(this.signal);
    }
    return inf;
  }

  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const inf of this.informers.values()) void inf.start(signal);
  }

  /** Resolves when every informer asked for so far has synced. */
  async waitForSync(signal: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }
}
