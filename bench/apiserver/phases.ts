/**
 * The measured phases against one running k8ts server, in order: creates, GET/LIST on a
 * namespace of `small` objects, filling a second namespace up to `big` objects, GET/LIST
 * there, then watch delivery; with the server's RSS sampled between phases. Prints each
 * figure as it is measured.
 */
import { fmt, percentile, summary } from '../lib/stats.js';
import type { Credentials } from './kubeconfig.js';
import { createMany, ensureNamespace, measureGets, measureLists, objectName } from './load.js';
import type { Options } from './options.js';
import { type CpuShare, cpuMeter, rssMiB } from './server.js';
import type { Transport } from './transport.js';
import { measureWatchDelivery } from './watch.js';

export interface BackendResult {
  name: 'sqlite' | 'etcd';
  createsPerSec: number;
  /** Server CPU time per create, in microseconds: steadier than rates on a shared machine. */
  serverCpuPerCreateUs: number;
  watchP99: number;
}

type Line = (label: string, text: string) => void;

const SMALL_NS = 'bench-small';
const BIG_NS = 'bench-big';
const WATCH_NS = 'bench-watch';

export async function runPhases(
  name: BackendResult['name'],
  pid: number,
  t: Transport,
  creds: Credentials,
  opts: Options,
  etcdPids: number[] = [],
): Promise<BackendResult> {
  const line = (label: string, text: string) => console.log(`${`${name} ${label}:`.padEnd(44)}${text}`);
  const rss = (when: string) => line(`server RSS ${when}`, `${fmt(rssMiB(pid), 0)} MiB`);
  rss('before load');
  await ensureNamespace(t, SMALL_NS);
  await ensureNamespace(t, BIG_NS);

  const meter = () => cpuMeter(pid, etcdPids);
  const cpu = meter();
  const creates = await createMany(t, opts.creates, opts.concurrency, opts.valueBytes, (i) =>
    i < opts.small
      ? { namespace: SMALL_NS, name: objectName(i) }
      : { namespace: BIG_NS, name: objectName(i - opts.small) },
  );
  const createCpu = cpu();
  const serverCpuPerCreateUs = (1e6 * createCpu.server) / creates.perSecond;
  line(
    'creates',
    `${fmt(creates.perSecond, 0)}/s (${summary(creates.latenciesMs)}) ${cpuText(createCpu)}, ` +
      `${fmt(serverCpuPerCreateUs, 0)} us server CPU per create`,
  );
  rss(`after ${opts.creates} creates`);
  await reads(line, t, SMALL_NS, opts.small, opts);

  if (opts.big > 0) await bigNamespace(line, rss, t, opts, meter);
  const watchP99 = opts.watchers > 0 ? await watchPhase(line, rss, t, creds, opts, meter) : Number.NaN;
  rss('after load');
  return { name, createsPerSec: creates.perSecond, serverCpuPerCreateUs, watchP99 };
}

/** CPU use over a phase: the server's, this client's and etcd's, as a share of one core. */
export function cpuText(c: CpuShare): string {
  const server = Number.isNaN(c.server) ? '' : `server ${fmt(100 * c.server, 0)}%, `;
  const etcd = Number.isNaN(c.etcd) ? '' : `, etcd ${fmt(100 * c.etcd, 0)}%`;
  return `[CPU: ${server}client ${fmt(100 * c.client, 0)}%${etcd} of a core; machine ${fmt(100 * c.machine, 0)}% busy]`;
}

async function reads(
  line: Line,
  t: Transport,
  namespace: string,
  objects: number,
  opts: Options,
): Promise<void> {
  const gets = await measureGets(t, namespace, objects, opts.gets);
  line(`GET (${objects} objects)`, summary(gets.latenciesMs));
  const lists = await measureLists(t, namespace, objects, opts.lists);
  line(
    `LIST all (${objects} objects, ${fmt(lists.bytes / 2 ** 20, 1)} MiB)`,
    summary(lists.load.latenciesMs),
  );
}

/** Fills the big namespace up to `big` objects (as fast as possible), then measures reads there. */
async function bigNamespace(
  line: Line,
  rss: (when: string) => void,
  t: Transport,
  opts: Options,
  meter: () => () => CpuShare,
): Promise<void> {
  const cpu = meter();
  const inBig = opts.creates - opts.small;
  const fill = await createMany(t, opts.big - inBig, opts.concurrency, opts.valueBytes, (i) => ({
    namespace: BIG_NS,
    name: objectName(inBig + i),
  }));
  line(`fill to ${opts.big}`, `${fmt(fill.perSecond, 0)}/s (${summary(fill.latenciesMs)}) ${cpuText(cpu())}`);
  rss(`with ${opts.small + opts.big} objects`);
  await reads(line, t, BIG_NS, opts.big, opts);
}

/** Watch delivery; returns the p99, or +Infinity if some event never arrived. */
async function watchPhase(
  line: Line,
  rss: (when: string) => void,
  t: Transport,
  creds: Credentials,
  opts: Options,
  meter: () => () => CpuShare,
): Promise<number> {
  let cpu = meter();
  const watch = await measureWatchDelivery(t, creds, {
    namespace: WATCH_NS,
    watchers: opts.watchers,
    events: opts.events,
    writers: opts.watchWriters,
    valueBytes: opts.valueBytes,
    onOpen: () => {
      rss(`with ${opts.watchers} watchers open`);
      cpu = meter();
    },
  });
  const missing = watch.expected - watch.latenciesMs.length;
  line(
    `watch delivery (${opts.watchers} watchers)`,
    `${summary(watch.latenciesMs)}, max ${fmt(percentile(watch.latenciesMs, 100), 1)} ms; ` +
      `${watch.latenciesMs.length}/${watch.expected} events` +
      (missing > 0 ? ` (${missing} NOT DELIVERED)` : '') +
      ` ${cpuText(cpu())}`,
  );
  return missing > 0 ? Number.POSITIVE_INFINITY : percentile(watch.latenciesMs, 99);
}
