/** Read and watch measurements for the storage benchmark, run against any `Store`. */
import type { Store } from '../../src/storage/types.js';
import { fmt, percentile, runLoad, summary } from '../lib/stats.js';

/** GET latency over random keys, LIST latency of a 500-item page and of the whole prefix. */
export async function measureReads(name: string, store: Store, keys: number): Promise<void> {
  const key = (i: number) => `/bench/items/${String(i).padStart(6, '0')}`;
  const gets = await runLoad(5000, 1, () => store.get(key(Math.floor(Math.random() * keys))));
  console.log(`  ${name} get:                ${summary(gets.latenciesMs)}`);
  const page = await runLoad(200, 1, () => store.list('/bench/items/', { limit: 500 }));
  console.log(`  ${name} list (limit 500):   ${summary(page.latenciesMs)}`);
  const all = await runLoad(10, 1, () => store.list('/bench/items/'));
  console.log(`  ${name} list (all ${keys}): ${summary(all.latenciesMs)}`);
}

/**
 * Watch delivery latency: `watchers` watchers on one prefix; `writes` writes (8 in flight)
 * each carrying its send time; latency is receive time minus send time, over every
 * (watcher, event) pair.
 */
export async function measureWatch(
  name: string,
  store: Store,
  watchers: number,
  writes: number,
): Promise<void> {
  const controllers = Array.from({ length: watchers }, () => new AbortController());
  const from = await store.currentRevision();
  const latencies: number[] = [];
  const readers = controllers.map(async (ac) => {
    let seen = 0;
    for await (const ev of store.watch('/bench/watch/', from, ac.signal)) {
      const sent = Number(Buffer.from(ev.kv!.value).toString());
      latencies.push(performance.now() - sent);
      if (++seen === writes) return;
    }
  });
  await runLoad(writes, 8, (i) => store.create(`/bench/watch/${i}`, Buffer.from(String(performance.now()))));
  const abortAll = () => {
    for (const ac of controllers) ac.abort();
  };
  const deadline = setTimeout(abortAll, 60_000);
  await Promise.all(readers);
  clearTimeout(deadline);
  abortAll();
  const p99 = percentile(latencies, 99);
  console.log(
    `  ${name} watch delivery (${watchers} watchers, ${latencies.length} events): ${summary(latencies)}` +
      (Number.isFinite(p99) ? '' : ` (${fmt(latencies.length, 0)} delivered)`),
  );
}
