/**
 * `--compare-transports`: which client transport creates faster against one k8ts server
 * (SQLite). Alternates rounds of HTTP/2 and HTTP/1.1 keep-alive creates into a scratch
 * namespace so both see the same machine load, and prints each round and the medians.
 */
import { fmt, percentile } from '../lib/stats.js';
import { readCredentials } from './kubeconfig.js';
import { createMany, ensureNamespace, objectName } from './load.js';
import type { Options } from './options.js';
import { startBenchServer } from './server.js';
import { makeTransport, type TransportKind } from './transport.js';

const ROUNDS = 4;
const KINDS: TransportKind[] = ['h2', 'h1'];

export async function compareTransports(opts: Options): Promise<void> {
  const server = await startBenchServer({});
  try {
    const creds = readCredentials(server.kubeconfig);
    const perRound = Math.max(500, Math.floor(opts.creates / (ROUNDS * KINDS.length)));
    const rates = new Map<TransportKind, number[]>(KINDS.map((k) => [k, []]));
    let next = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of KINDS) {
        const t = makeTransport(kind, creds, opts.concurrency);
        try {
          await ensureNamespace(t, 'bench-transport');
          const first = next;
          next += perRound;
          const r = await createMany(t, perRound, opts.concurrency, opts.valueBytes, (i) => ({
            namespace: 'bench-transport',
            name: objectName(first + i),
          }));
          rates.get(kind)!.push(r.perSecond);
          console.log(`transport round ${round + 1} ${t.name}: ${fmt(r.perSecond, 0)} creates/s`);
        } finally {
          t.close();
        }
      }
    }
    for (const [kind, r] of rates) {
      console.log(`transport ${kind} median: ${fmt(percentile(r, 50), 0)} creates/s over ${r.length} rounds`);
    }
  } finally {
    await server.stop();
  }
}
