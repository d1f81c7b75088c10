/**
 * The pods of one namespace as a watch sees them: lists once, then watches from the
 * list's resourceVersion (relisting when the server ends the watch or the version is too
 * old), and records for each pod the moment its status first showed phase Running with a
 * running container, and whether it is gone. waitFor() resolves when a condition on that
 * record holds, or rejects at its deadline.
 */
import type { Client, ListOptions, WatchEvent } from '../../src/client/client.js';
import type { KObject } from '../../src/registry/types.js';

type Obj = Record<string, unknown>;

/** Phase Running with at least one container in state running. */
export function isRunning(pod: KObject): boolean {
  const status = (pod['status'] as Obj | undefined) ?? {};
  const containers = (status['containerStatuses'] as Obj[] | undefined) ?? [];
  return (
    status['phase'] === 'Running' &&
    containers.some((c) => (c['state'] as Obj | undefined)?.['running'] !== undefined)
  );
}

export class PodWatch {
  /** performance.now() when each pod was first seen running. */
  readonly runningAt = new Map<string, number>();
  /** Pods that exist now. */
  readonly present = new Set<string>();
  #listeners = new Set<() => void>();
  #stopped = new AbortController();
  #done: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
  ) {}

  /** Lists (so nothing after this call is missed) and starts watching. */
  async start(): Promise<void> {
    const rv = await this.#list();
    this.#done = this.#loop(rv);
  }

  async stop(): Promise<void> {
    this.#stopped.abort();
    await this.#done;
  }

  #pods() {
    return this.client.resource('', 'v1', 'pods');
  }

  async #list(): Promise<string> {
    const list = await this.#pods().list(this.namespace);
    this.present.clear();
    for (const p of list.items) this.#observe({ type: 'MODIFIED', object: p });
    this.#notify();
    return list.metadata.resourceVersion;
  }

  async #loop(from: string): Promise<void> {
    const signal = this.#stopped.signal;
    let rv: string | undefined = from;
    while (!signal.aborted) {
      try {
        if (rv === undefined) rv = await this.#list();
        const opts: ListOptions & { allowWatchBookmarks: boolean; timeoutSeconds: number } = {
          resourceVersion: rv,
          allowWatchBookmarks: true,
          timeoutSeconds: 600,
        };
        const events: AsyncGenerator<WatchEvent> = this.#pods().watch(this.namespace, opts, signal);
        for await (const ev of events) {
          if (ev.type === 'ERROR') {
            rv = undefined;
            break;
          }
          rv = ev.object.metadata?.resourceVersion ?? rv;
          if (ev.type !== 'BOOKMARK') {
            this.#observe(ev);
            this.#notify();
          }
        }
      } catch {
        if (signal.aborted) return;
        rv = undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  #observe(ev: WatchEvent): void {
    const name = ev.object.metadata?.name ?? '';
    if (ev.type === 'DELETED') {
      this.present.delete(name);
      return;
    }
    this.present.add(name);
    if (!this.runningAt.has(name) && isRunning(ev.object)) this.runningAt.set(name, performance.now());
  }

  #notify(): void {
    for (const l of [...this.#listeners]) l();
  }

  /** Resolves once `ok()` holds (checked now and after every event); rejects after `timeoutMs`. */
  waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ok()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: not within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
    });
  }
}
