/**
 * Storage benchmark: raw etcd (the etcd3 client, no k8ts) against the k8ts store on SQLite
 * and on etcd, in one run on one machine. Prints every figure, then the ratios to raw etcd.
 *
 *   node dist/bench/storage/main.js [--puts 20000] [--concurrency 64]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { EtcdStore } from '../../src/storage/etcd/store.js';
import { SqliteStore } from '../../src/storage/sqlite/store.js';
import type { Store } from '../../src/storage/types.js';
import { startEtcd } from '../../test/support/etcd.js';
import { fmt, runLoad, summary } from '../lib/stats.js';
import { measureReads, measureWatch } from './measures.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const PUTS = arg('puts', 20_000);
const CONCURRENCY = arg('concurrency', 64);
const VALUE = Buffer.alloc(256, 'v');

async function rawEtcd(endpoints: string[]): Promise<number> {
  const client = new Etcd3({ hosts: endpoints });
  try {
    const r = await runLoad(PUTS, CONCURRENCY, (i) => client.put(`/raw/${i}`).value(VALUE).exec());
    console.log(`raw etcd puts:            ${fmt(r.perSecond, 0)}/s (${summary(r.latenciesMs)})`);
    return r.perSecond;
  } finally {
    client.close();
  }
}

async function storeCreates(name: string, store: Store): Promise<number> {
  const r = await runLoad(PUTS, CONCURRENCY, (i) =>
    store.create(`/bench/items/${String(i).padStart(6, '0')}`, VALUE),
  );
  console.log(`k8ts ${name} creates:`.padEnd(26) + ` ${fmt(r.perSecond, 0)}/s (${summary(r.latenciesMs)})`);
  return r.perSecond;
}

async function benchStore(name: string, store: Store): Promise<number> {
  const rate = await storeCreates(name, store);
  await measureReads(name, store, PUTS);
  await measureWatch(name, store, 100, 1000);
  return rate;
}

async function main(): Promise<void> {
  console.log(`storage benchmark: ${PUTS} writes of ${VALUE.length} B, concurrency ${CONCURRENCY}`);
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const etcd = await startEtcd();
  try {
    const raw = await rawEtcd(etcd.endpoints);
    const sqlite = SqliteStore.open(join(dir, 'state.db'), { compaction: false });
    const sqliteRate = await benchStore('sqlite', sqlite).finally(() => sqlite.close());
    const onEtcd = await EtcdStore.open({ endpoints: etcd.endpoints, prefix: '/k8ts' });
    const etcdRate = await benchStore('etcd', onEtcd).finally(() => onEtcd.close());
    console.log('--- ratios to raw etcd puts/s (targets: sqlite >= 1.0, etcd >= 0.7)');
    console.log(`sqlite/raw-etcd: ${fmt(sqliteRate / raw, 2)}`);
    console.log(`etcd/raw-etcd:   ${fmt(etcdRate / raw, 2)}`);
  } finally {
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
