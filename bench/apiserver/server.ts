/**
 * Starts the k8ts server for the benchmark: through the shared test helper, or, to profile
 * it, as a child spawned here with V8's CPU profiler on (Node does not accept --cpu-prof in
 * NODE_OPTIONS, and the shared helper takes no node flags). Reads the server's resident
 * memory and CPU time from /proc. Stops only the processes it started.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { K8TS, K8TS_NODE_FLAGS, startServer } from '../../test/support/server.js';

export interface BenchServerOptions {
  datastoreEndpoint?: string;
  /** Directory for a .cpuprofile written when the server exits. */
  profileDir?: string;
}

export interface BenchServer {
  kubeconfig: string;
  pid: number;
  stop(): Promise<unknown>;
}

const READY_MS = 60_000;
/** Writing a large profile on exit takes a while; SIGKILL only after this. */
const STOP_MS = 60_000;

export function startBenchServer(opts: BenchServerOptions): Promise<BenchServer> {
  if (!opts.profileDir) {
    return startServer(opts.datastoreEndpoint ? { datastoreEndpoint: opts.datastoreEndpoint } : {});
  }
  return startProfiled(opts.profileDir, opts.datastoreEndpoint);
}

async function startProfiled(profileDir: string, endpoint: string | undefined): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const args = [
    ...K8TS_NODE_FLAGS,
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    K8TS,
    'server',
    '--data-dir',
    dataDir,
    '--disable-agent',
  ];
  args.push('--https-port', '0', ...(endpoint ? ['--datastore-endpoint', endpoint] : []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`k8ts server not ready in time:\n${out}`)), READY_MS);
      createInterface({ input: child.stdout }).on('line', (line) => {
        out += `${line}\n`;
        if (/API server ready at /.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`k8ts server exited before it was ready:\n${out}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { kubeconfig: join(dataDir, 'admin.kubeconfig'), pid: child.pid!, stop };
}

/** Resident set size of a process in MiB (VmRSS), or NaN if it cannot be read. */
export function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Busy and total clock ticks of the whole machine (every core), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

export interface CpuShare {
  /** The server's CPU time over the window, as a share of one core (NaN without a server). */
  server: number;
  /** This process's, as a share of one core. */
  client: number;
  /** The etcd members' (NaN without etcd), as a share of one core. */
  etcd: number;
  /** Every process on the machine (etcd and anything else running), as a share of all cores. */
  machine: number;
}

/**
 * Starts measuring CPU use (of the server `pid`, if given, and of etcd's processes); the
 * returned function gives the shares over the time since.
 */
export function cpuMeter(pid: number | undefined, etcdPids: number[] = []): () => CpuShare {
  const t0 = performance.now();
  const s0 = pid === undefined ? Number.NaN : cpuSeconds(pid);
  const etcdSeconds = () => etcdPids.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const e0 = etcdSeconds();
  const c0 = process.cpuUsage();
  const m0 = machineTicks();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const m = machineTicks();
    return {
      server: pid === undefined ? Number.NaN : (cpuSeconds(pid) - s0) / wall,
      client: (c.user + c.system) / 1e6 / wall,
      etcd: etcdPids.length === 0 ? Number.NaN : (etcdSeconds() - e0) / wall,
      machine: (m.busy - m0.busy) / (m.total - m0.total),
    };
  };
}
