/**
 * The file source of static pods (--pod-manifest-path): a directory of manifests (files
 * ending in .yaml, .yml or .json; dotfiles are ignored) or a single manifest file. Looks
 * at the path when started and again every `intervalMs` (20 s by default, as upstream's
 * file check frequency), and soon after fs.watch reports a change. A file that does not
 * parse or is not a valid Pod is logged (once per content) and runs nothing; a missing
 * path means no static pods. Two files that name the same pod: the first by file name
 * wins.
 */
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KObject } from '../../registry/types.js';
import { staticPodFrom } from './manifest.js';
import type { StaticPodSource } from './types.js';

export interface FileSourceOptions {
  /** A directory of manifests or one manifest file. */
  path: string;
  nodeName: string;
  /** How often to look at the path again (default 20 s). */
  intervalMs?: number;
  /** How long to wait after a file-system event before looking (default 100 ms). */
  settleMs?: number;
  log: (m: string) => void;
  now?: () => Date;
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

interface FileState {
  text: string;
  pod: KObject | undefined;
}

export class StaticPodFiles implements StaticPodSource {
  private files = new Map<string, FileState>();
  private pods = new Map<string, KObject>();
  private names = new Map<string, KObject>();
  private readonly listeners: ((uid: string) => void)[] = [];
  private scanning: Promise<void> = Promise.resolve();
  private missingLogged = false;

  constructor(private readonly o: FileSourceOptions) {}

  get(uid: string): KObject | undefined {
    return this.pods.get(uid);
  }

  byName(namespace: string, name: string): KObject | undefined {
    return this.names.get(`${namespace}/${name}`);
  }

  list(): KObject[] {
    return [...this.pods.values()];
  }

  subscribe(fn: (uid: string) => void): void {
    this.listeners.push(fn);
  }

  /** Looks at the path now (one look at a time); resolves when the pods are up to date. */
  scan(): Promise<void> {
    const next = this.scanning.then(() => this.scanOnce());
    this.scanning = next.catch(() => undefined);
    return next;
  }

  /** Looks at the path every intervalMs and on file-system events until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    let watched = '';
    const scan = () =>
      this.scan().catch((err: unknown) => this.o.log(`static pods: ${(err as Error).message}`));
    // Watch first, then look: a change after the watch starts is an event, one before is
    // in the look. When the directory to watch changed meanwhile, look once more.
    let looking: Promise<void> = Promise.resolve();
    const look = (): Promise<void> => {
      looking = looking
        .then(async () => {
          await watchPath();
          await scan();
          if (!signal.aborted && (await watchPath())) await scan();
        })
        .catch((err: unknown) => this.o.log(`static pods: ${(err as Error).message}`));
      return looking;
    };
    const soon = () => {
      if (timer || signal.aborted) return;
      timer = setTimeout(() => {
        timer = undefined;
        void look();
      }, this.o.settleMs ?? 100);
    };
    // Watches the directory, or the parent of a file (or of a directory not made yet).
    const watchPath = async (): Promise<boolean> => {
      const info = await stat(this.o.path).catch(() => undefined);
      const dir = info?.isDirectory() ? this.o.path : dirname(this.o.path);
      if (watcher && watched === dir) return false;
      watcher?.close();
      watcher = undefined;
      try {
        const w = watch(dir, { persistent: false }, soon);
        w.on('error', () => {
          w.close();
          if (watcher === w) watcher = undefined;
        });
        watcher = w;
        watched = dir;
        return true;
      } catch {
        // Nothing to watch (yet): the periodic look still finds the manifests.
        return false;
      }
    };
    try {
      while (!signal.aborted) {
        await look();
        await sleep(this.o.intervalMs ?? 20_000, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      if (timer) clearTimeout(timer);
      await looking;
      watcher?.close();
    }
  }

  private async manifestFiles(): Promise<string[]> {
    const info = await stat(this.o.path).catch(() => undefined);
    if (!info) {
      if (!this.missingLogged) this.o.log(`static pods: ${this.o.path} does not exist (yet)`);
      this.missingLogged = true;
      return [];
    }
    this.missingLogged = false;
    if (!info.isDirectory()) return [this.o.path];
    const entries = await readdir(this.o.path, { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith('.') && EXTENSIONS.some((x) => e.name.endsWith(x)))
      .filter((e) => e.isFile() || e.isSymbolicLink())
      .map((e) => join(this.o.path, e.name))
      .sort();
  }

  private async scanOnce(): Promise<void> {
    const files = await this.manifestFiles();
    const next = new Map<string, FileState>();
    for (const file of files) {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const old = this.files.get(file);
      if (old && old.text === text) {
        next.set(file, old);
        continue;
      }
      const seen = (this.o.now?.() ?? new Date()).toISOString();
      const res = staticPodFrom(text, file, this.o.nodeName, seen);
      if ('error' in res) this.o.log(`static pods: ignoring ${basename(file)}: ${res.error}`);
      // Same pod (formatting or comments changed): keep the object and its config.seen.
      const pod = 'pod' in res ? res.pod : undefined;
      const same = pod && old?.pod?.metadata?.uid === pod.metadata?.uid ? old?.pod : undefined;
      next.set(file, { text, pod: same ?? pod });
    }
    const pods = new Map<string, KObject>();
    const names = new Map<string, KObject>();
    for (const [file, st] of next) {
      const p = st.pod;
      if (!p) continue;
      const key = `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
      const first = names.get(key);
      if (first) {
        if (this.files.get(file) !== st)
          this.o.log(
            `static pods: ignoring ${basename(file)}: pod ${key} is already defined by another file`,
          );
        continue;
      }
      names.set(key, p);
      pods.set(p.metadata?.uid ?? '', p);
    }
    const changed = [...pods.keys()].filter((uid) => !this.pods.has(uid));
    for (const uid of this.pods.keys()) if (!pods.has(uid)) changed.push(uid);
    for (const [uid, p] of pods) {
      const before = this.pods.get(uid);
      if (before && before !== p) changed.push(uid);
    }
    this.files = next;
    this.pods = pods;
    this.names = names;
    for (const uid of changed) for (const fn of this.listeners) fn(uid);
  }
}
