/**
 * Shared informers: one informer per resource for every component of a process, so the
 * scheduler and all controllers share one list+watch and one cache of pods. Components
 * ask for informers before start(); start() runs them all. An informer another component
 * of the process already runs can be lent in (`borrowed`): it is handed out instead of a
 * new one, never started or stopped here, and the handlers added through this factory
 * leave it when `scope` aborts.
 */
import type { Client } from './client.js';
import { type Handler, Informer, type InformerOptions } from './informer.js';

export interface FactoryOptions {
  /** Applied by every informer made here (see InformerOptions.transform). */
  transform?: InformerOptions['transform'];
  /** Cluster-wide informers without selectors, run by their owner, to use instead of new ones. */
  borrowed?: Informer[];
  /** Ends the use of borrowed informers: handlers added through this factory are removed. */
  scope?: AbortSignal;
}

/** `inf` as seen through the factory: start() is its owner's, handlers are scoped. */
function lent(inf: Informer, scope: AbortSignal | undefined): Informer {
  return new Proxy(inf, {
    get(target, prop) {
      if (prop === 'addHandler') return (h: Handler) => target.addHandler(h, scope);
      if (prop === 'start') return () => Promise.resolve();
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export type Selectors = Pick<InformerOptions, 'fieldSelector' | 'labelSelector'>;

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private signal: AbortSignal | undefined;

  constructor(
    readonly client: Client,
    private readonly log: (msg: string) => void = () => {},
    private readonly opts: FactoryOptions = {},
  ) {}

  /**
   * The shared informer of `group/version/plural`, cluster-wide; with selectors, the one
   * informer of that resource with exactly those selectors (a component that needs a few
   * objects of a busy resource should not decode every event of it).
   */
  informer(group: string, version: string, plural: string, selectors: Selectors = {}): Informer {
    const { fieldSelector, labelSelector } = selectors;
    const key = `${group}/${version}/${plural}?${fieldSelector ?? ''}&${labelSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      const own =
        fieldSelector === undefined && labelSelector === undefined
          ? this.opts.borrowed?.find(
              (b) => b.client.group === group && b.client.version === version && b.client.plural === plural,
            )
          : undefined;
      if (own) {
        inf = lent(own, this.opts.scope);
        this.informers.set(key, inf);
        return inf;
      }
      inf = new Informer(this.client.resource(group, version, plural), {
        ...(this.opts.transform ? { transform: this.opts.transform } : {}),
        ...(fieldSelector !== undefined ? { fieldSelector } : {}),
        ...(labelSelector !== undefined ? { labelSelector } : {}),
        log: this.log,
      });
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
