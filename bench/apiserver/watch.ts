/**
 * Watch delivery latency through the API: N watch streams (HTTP/2, at most 100 streams
 * per session) on one namespace of ConfigMaps, then M creates, each carrying the time it
 * was sent in `data.sent`; latency is arrival time minus send time for every (watcher,
 * ADDED event) pair. The client extracts the timestamp with a string search rather than
 * parsing each event, so its own CPU cost stays small next to the server's.
 */
import { runLoad } from '../lib/stats.js';
import type { Credentials } from './kubeconfig.js';
import { configMapJson, ensureNamespace } from './load.js';
import { makeTransport, type OpenStream, type Transport } from './transport.js';

const STREAMS_PER_SESSION = 100;
const DELIVERY_DEADLINE_MS = 120_000;
const SENT = '"sent":"';

export interface WatchResult {
  latenciesMs: number[];
  expected: number;
}

export interface WatchPlan {
  namespace: string;
  watchers: number;
  events: number;
  writers: number;
  valueBytes: number;
  /** Called once every watcher is open, before the first write. */
  onOpen?: () => void;
}

/** Collects latencies from one watch stream's lines; returns how many ADDED events it saw. */
function lineReader(latencies: number[]): { onData: (c: Buffer, at: number) => void; seen: () => number } {
  let partial = '';
  let seen = 0;
  return {
    seen: () => seen,
    onData(chunk, at) {
      const text = partial + chunk.toString('latin1');
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        if (text.startsWith('{"type":"ADDED"', start)) {
          const s = text.indexOf(SENT, start);
          if (s >= 0 && s < nl) {
            latencies.push(
              at - Number.parseFloat(text.slice(s + SENT.length, text.indexOf('"', s + SENT.length))),
            );
            seen++;
          }
        }
        start = nl + 1;
      }
      partial = text.slice(start);
    },
  };
}

export async function measureWatchDelivery(
  t: Transport,
  creds: Credentials,
  plan: WatchPlan,
): Promise<WatchResult> {
  await ensureNamespace(t, plan.namespace);
  const path = `/api/v1/namespaces/${plan.namespace}/configmaps`;
  const list = await t.request('GET', path);
  const rv = (JSON.parse(list.body.toString()) as { metadata: { resourceVersion: string } }).metadata
    .resourceVersion;
  const sessions = Array.from({ length: Math.ceil(plan.watchers / STREAMS_PER_SESSION) }, () =>
    makeTransport('h2', creds, 1),
  );
  const latencies: number[] = [];
  const readers = Array.from({ length: plan.watchers }, () => lineReader(latencies));
  const streams: OpenStream[] = [];
  try {
    const opened = await Promise.all(
      readers.map((r, i) =>
        sessions[Math.floor(i / STREAMS_PER_SESSION)]!.stream(
          `${path}?watch=true&resourceVersion=${rv}`,
          r.onData,
        ),
      ),
    );
    streams.push(...opened);
    const bad = opened.find((s) => s.status !== 200);
    if (bad) throw new Error(`watch: HTTP ${bad.status}`);
    plan.onOpen?.();
    await runLoad(plan.events, plan.writers, async (i) => {
      const body = configMapJson(`w-${i}`, plan.valueBytes, { sent: String(performance.now()) });
      const r = await t.request('POST', `${path}`, body);
      if (r.status !== 201)
        throw new Error(`watch create: HTTP ${r.status}: ${r.body.toString().slice(0, 200)}`);
    });
    const deadline = performance.now() + DELIVERY_DEADLINE_MS;
    while (readers.some((r) => r.seen() < plan.events) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return { latenciesMs: latencies, expected: plan.watchers * plan.events };
  } finally {
    for (const s of streams) s.close();
    for (const s of sessions) s.close();
  }
}
