/**
 * One throughput measurement: watch the pods of a namespace, create N pods through the
 * API at a fixed concurrency, and time from the first create sent to the last pod seen
 * bound (spec.nodeName set) on the watch, i.e. what a user would observe. Also reports
 * when the last create was acknowledged, so the share of the API server is visible.
 */
import { readFileSync } from 'node:fs';
import { runLoad } from '../lib/stats.js';
import { type Cluster, post } from './cluster.js';
import { monotonicMicros } from './profile.js';
import { watchLines } from './watch.js';

export interface Throughput {
  pods: number;
  /** Seconds from the first create to the last pod seen bound. */
  seconds: number;
  podsPerSecond: number;
  /** Seconds until every create was acknowledged. */
  createSeconds: number;
  /** Pods seen bound per node (for checking placement). */
  perNode: Map<string, number>;
  /** The measured window on the monotonic clock, in microseconds. */
  window: [number, number];
  /** CPU seconds the server process used in the window (all its threads). */
  serverCpuSeconds: number;
  /** Times the watch ended early and the pods were listed to catch up. */
  relists: number;
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Event {
  type: string;
  object: { metadata?: { name?: string }; spec?: { nodeName?: string } };
}

export async function measure(
  cluster: Cluster,
  namespace: string,
  count: number,
  concurrency: number,
  body: (i: number) => string,
  timeoutMs: number,
): Promise<Throughput> {
  const { http, creds } = cluster;
  const serverPid = cluster.server.pid;
  const ac = new AbortController();
  const bound = new Set<string>();
  const perNode = new Map<string, number>();
  let t0 = 0;
  let tLast = 0;
  let usLast = 0;
  let cpuLast = 0;
  let relists = 0;
  let allBound: () => void = () => {};
  const done = new Promise<void>((r) => {
    allBound = r;
  });
  const seen = (name: string, node: string) => {
    if (bound.has(name)) return;
    bound.add(name);
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
    if (bound.size === count) {
      tLast = performance.now();
      usLast = monotonicMicros();
      cpuLast = cpuSeconds(serverPid);
      allBound();
    }
  };
  /** Lists the namespace's pods (paged), noting the bound ones; returns the list's resourceVersion. */
  const catchUp = async (): Promise<string> => {
    let cont = '';
    let rv = '';
    do {
      const q = `limit=5000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const res = await http.request('GET', `/api/v1/namespaces/${namespace}/pods?${q}`);
      const list = JSON.parse(res.body.toString('utf8')) as {
        metadata: { resourceVersion: string; continue?: string };
        items: Event['object'][];
      };
      for (const p of list.items) {
        const node = p.spec?.nodeName;
        if (node && p.metadata?.name) seen(p.metadata.name, node);
      }
      rv = list.metadata.resourceVersion;
      cont = list.metadata.continue ?? '';
    } while (cont);
    return rv;
  };
  const first = await http.request('GET', `/api/v1/namespaces/${namespace}/pods?limit=1`);
  let rv = (JSON.parse(first.body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata
    .resourceVersion;
  const watching = (async () => {
    while (!ac.signal.aborted && bound.size < count) {
      const path = `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`;
      try {
        for await (const line of watchLines(creds, path, ac.signal)) {
          // Only events of bound pods are parsed: one per pod, not every event.
          if (!line.includes('"nodeName"')) continue;
          const ev = JSON.parse(line) as Event;
          const node = ev.object.spec?.nodeName;
          const name = ev.object.metadata?.name;
          if (ev.type !== 'DELETED' && node && name) seen(name, node);
        }
      } catch {
        // A broken or refused watch: catch up by listing below.
      }
      if (ac.signal.aborted || bound.size >= count) break;
      // The server ended the watch (timeout, slow watcher, compaction): list, then watch again.
      relists++;
      rv = await catchUp();
    }
  })().catch(() => {});
  const cpu0 = cpuSeconds(serverPid);
  const us0 = monotonicMicros();
  t0 = performance.now();
  await runLoad(count, concurrency, (i) => post(http, `/api/v1/namespaces/${namespace}/pods`, body(i)));
  const createSeconds = (performance.now() - t0) / 1000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((r) => {
    timer = setTimeout(r, timeoutMs);
  });
  await Promise.race([done, timedOut]);
  clearTimeout(timer);
  ac.abort();
  await watching;
  if (bound.size < count)
    throw new Error(`only ${bound.size} of ${count} pods were bound within ${timeoutMs / 1000} s`);
  const seconds = (tLast - t0) / 1000;
  return {
    pods: count,
    seconds,
    podsPerSecond: count / seconds,
    createSeconds,
    perNode,
    window: [us0, usLast],
    serverCpuSeconds: cpuLast - cpu0,
    relists,
  };
}
