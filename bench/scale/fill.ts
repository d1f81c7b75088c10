/**
 * Fills the cluster: creates N bare pods (no controller) in one namespace through the
 * API at a fixed concurrency, and watches them until every one is seen Running (bound by
 * the scheduler, started by its simulated node), i.e. what a user would observe. When the
 * server ends the watch early it lists (paged) to catch up and watches again. Bounded by
 * `timeoutMs`: creates not acknowledged by then fail the fill; pods not Running by then
 * are reported (`running` < count) so that the other figures can still be measured.
 */
import type { HttpsTransport } from '../../src/client/https.js';
import { runLoad } from '../lib/stats.js';
import { post } from '../scheduler/cluster.js';
import { type Credentials, watchLines } from '../scheduler/watch.js';

export interface FillResult {
  /** Seconds from the first create sent to the last create acknowledged. */
  createSeconds: number;
  /** Seconds from the first create sent to the last pod seen Running (NaN if not all were). */
  runningSeconds: number;
  /** Pods seen Running when the fill ended. */
  running: number;
  /** Times the watch ended early and a list caught up. */
  relists: number;
}

interface PodList {
  metadata: { resourceVersion: string; continue?: string };
  items: { metadata?: { name?: string }; status?: { phase?: string } }[];
}

export async function fill(
  http: HttpsTransport,
  creds: Credentials,
  namespace: string,
  count: number,
  concurrency: number,
  body: (i: number) => string,
  timeoutMs: number,
): Promise<FillResult> {
  const running = new Set<string>();
  const ac = new AbortController();
  let tLast = 0;
  let relists = 0;
  let allRunning: () => void = () => {};
  const done = new Promise<void>((r) => {
    allRunning = r;
  });
  const seen = (name: string) => {
    if (running.has(name)) return;
    running.add(name);
    if (running.size === count) {
      tLast = performance.now();
      allRunning();
    }
  };
  const list = async (query: string): Promise<PodList> => {
    const res = await http.request('GET', `/api/v1/namespaces/${namespace}/pods?${query}`);
    if (res.status !== 200) throw new Error(`LIST pods: ${res.status} ${res.body.toString('utf8', 0, 300)}`);
    return JSON.parse(res.body.toString('utf8')) as PodList;
  };
  const catchUp = async (): Promise<string> => {
    let cont = '';
    let rv = '';
    for (let page = 0; page < 10_000; page++) {
      const l = await list(`limit=5000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      for (const p of l.items) if (p.status?.phase === 'Running' && p.metadata?.name) seen(p.metadata.name);
      rv = l.metadata.resourceVersion;
      cont = l.metadata.continue ?? '';
      if (!cont) break;
    }
    return rv;
  };
  let rv = (await list('limit=1')).metadata.resourceVersion;
  const watching = (async () => {
    while (!ac.signal.aborted && running.size < count) {
      const path = `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`;
      for await (const line of watchLines(creds, path, ac.signal)) {
        // Only lines of Running pods are parsed, not every event.
        if (!line.includes('"phase":"Running"')) continue;
        const ev = JSON.parse(line) as { type: string; object: PodList['items'][number] };
        const name = ev.object.metadata?.name;
        if (ev.type !== 'DELETED' && name) seen(name);
      }
      if (ac.signal.aborted || running.size >= count) break;
      relists++;
      rv = await catchUp();
    }
  })().catch(() => {});
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, timeoutMs);
  });
  try {
    const creates = runLoad(count, concurrency, (i) =>
      post(http, `/api/v1/namespaces/${namespace}/pods`, body(i)),
    );
    await Promise.race([creates, deadline]);
    if (timedOut)
      throw new Error(`the ${count} creates were not all acknowledged within ${timeoutMs / 1000} s`);
    const createSeconds = (performance.now() - t0) / 1000;
    await Promise.race([done, deadline]);
    const all = running.size >= count;
    return {
      createSeconds,
      runningSeconds: all ? (tLast - t0) / 1000 : Number.NaN,
      running: running.size,
      relists,
    };
  } finally {
    clearTimeout(timer);
    ac.abort();
    await watching;
  }
}
