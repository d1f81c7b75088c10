/**
 * API server benchmark: raw etcd puts (the etcd3 client, no k8ts) as the reference, then
 * a real `k8ts server` on SQLite and on etcd driven over HTTPS like a client would:
 * ConfigMap creates/s, GET and LIST latency at two namespace sizes, watch delivery
 * latency with many watchers, and server RSS and CPU. Everything runs in one process run
 * on this machine; the last lines are the ratios to raw etcd, the server's CPU time per
 * create (steadier than rates when other work shares the machine) and the watch p99 against
 * its target. Raw etcd is measured right before each backend (on a fresh etcd each time), so a
 * ratio compares figures taken under the same load from anything else on the machine.
 *
 *   node dist/bench/apiserver/main.js [--quick] [--transport h2|h1] [--backends sqlite,etcd]
 *     [--profile DIR] [--creates N] [--concurrency N] [--small N] [--big N] [--gets N]
 *     [--lists N] [--watchers N] [--events N] [--watch-writers N] [--compare-transports]
 *
 * The client is HTTP/2 by default: in alternating rounds (--compare-transports) it created
 * faster than HTTP/1.1 keep-alive with 64 sockets in every round. It stops every process
 * it starts, also when a phase fails.
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../../test/support/etcd.js';
import { fmt, runLoad, summary } from '../lib/stats.js';
import { compareTransports } from './compare.js';
import { readCredentials } from './kubeconfig.js';
import { type Options, parseOptions } from './options.js';
import { type BackendResult, cpuText, runPhases } from './phases.js';
import { printHotspots } from './profile.js';
import { cpuMeter, startBenchServer } from './server.js';
import { makeTransport } from './transport.js';

const WATCH_TARGET_MS = 100;
const TARGETS = { sqlite: 1.0, etcd: 0.7 } as const;

/** The reference: puts straight to a fresh etcd, same count, size and concurrency as the creates. */
async function rawEtcdPuts(opts: Options, label: string): Promise<number> {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.endpoints });
  const value = Buffer.alloc(opts.valueBytes, 'v');
  try {
    const cpu = cpuMeter(undefined, etcd.pids());
    const r = await runLoad(opts.creates, opts.concurrency, (i) =>
      client.put(`/raw/${i}`).value(value).exec(),
    );
    console.log(
      `${`raw etcd puts (${label}):`.padEnd(44)}${fmt(r.perSecond, 0)}/s (${summary(r.latenciesMs)}) ${cpuText(cpu())}`,
    );
    return r.perSecond;
  } finally {
    client.close();
    await etcd.stop();
  }
}

async function benchBackend(name: 'sqlite' | 'etcd', opts: Options): Promise<BackendResult> {
  const etcd = name === 'etcd' ? await startEtcd() : undefined;
  const profileDir = opts.profileDir ? resolve(opts.profileDir, name) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  try {
    const server = await startBenchServer({
      ...(etcd ? { datastoreEndpoint: etcd.endpoints.join(',') } : {}),
      ...(profileDir ? { profileDir } : {}),
    });
    try {
      const creds = readCredentials(server.kubeconfig);
      const t = makeTransport(opts.transport, creds, opts.concurrency);
      try {
        return await runPhases(name, server.pid, t, creds, opts, etcd?.pids() ?? []);
      } finally {
        t.close();
      }
    } finally {
      await server.stop();
      if (profileDir) printHotspots(name, profileDir);
    }
  } finally {
    await etcd?.stop();
  }
}

function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  console.log(
    `apiserver benchmark: node ${process.version}, ${cpus().length} CPUs; client over ${transportName(opts)}; ` +
      `${opts.creates} creates of ~${opts.valueBytes} B at concurrency ${opts.concurrency}; ` +
      `GET/LIST at ${opts.small} and ${opts.big} objects; ${opts.watchers} watchers x ${opts.events} events`,
  );
  if (opts.compareTransports) return compareTransports(opts);
  // The machine may be shared, so each backend is compared with raw etcd measured just before it.
  const results: { raw: number; r: BackendResult }[] = [];
  for (const b of opts.backends) {
    const raw = await rawEtcdPuts(opts, `reference for ${b}`);
    results.push({ raw, r: await benchBackend(b, opts) });
  }

  console.log(
    `--- targets: sqlite >= ${TARGETS.sqlite}x raw etcd, etcd backend >= ${TARGETS.etcd}x raw etcd, ` +
      `watch p99 <= ${WATCH_TARGET_MS} ms`,
  );
  for (const { raw, r } of results) {
    const ratio = r.createsPerSec / raw;
    const label =
      r.name === 'sqlite'
        ? 'sqlite creates/s / raw etcd puts/s:'
        : 'etcd-backend creates/s / raw etcd puts/s:';
    console.log(
      `${label.padEnd(44)}${fmt(ratio, 2)}x (target >= ${TARGETS[r.name]}x, ${verdict(ratio >= TARGETS[r.name])})`,
    );
  }
  for (const { r } of results) {
    console.log(`${`server CPU per create (${r.name}):`.padEnd(44)}${fmt(r.serverCpuPerCreateUs, 0)} us`);
  }
  for (const { r } of results.filter((x) => !Number.isNaN(x.r.watchP99))) {
    console.log(
      `${`watch p99 (${r.name}):`.padEnd(44)}${fmt(r.watchP99, 1)} ms vs ${WATCH_TARGET_MS} ms target ` +
        `(${fmt(r.watchP99 / WATCH_TARGET_MS, 2)}x, ${verdict(r.watchP99 <= WATCH_TARGET_MS)})`,
    );
  }
}

function transportName(opts: Options): string {
  return opts.transport === 'h2'
    ? 'HTTP/2 (one session, many streams)'
    : `HTTP/1.1 keep-alive (${opts.concurrency} sockets)`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
