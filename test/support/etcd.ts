/**
 * Test support: starts real etcd members (the `etcd` binary from the system) on free
 * loopback ports, each with its own data directory under one fresh temporary directory,
 * and stops them again. For tests only.
 *
 * It must not leave anything behind: `stop()` kills every process it started by PID
 * (SIGTERM, then SIGKILL after a bounded wait) and removes the temporary directory; a
 * process exit hook kills members a crashed test forgot. It never binds to anything but
 * 127.0.0.1 and never touches an etcd it did not start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ETCD_BINARY = '/usr/bin/etcd';

export interface EtcdCluster {
  /** Client URLs, one per member, in member order. */
  endpoints: string[];
  /** One data directory per member, in member order. */
  dataDirs: string[];
  /** Kills member `i` with SIGKILL and waits for it to exit. */
  killMember(i: number): Promise<void>;
  /** Starts a killed member `i` again on its data directory and ports, and waits until it is healthy. */
  restartMember(i: number): Promise<void>;
  /** The process ids of the members that are running (for measuring their CPU). */
  pids(): number[];
  /** Stops every member that is still running and removes the temporary directory. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  members?: 1 | 3;
  /** How long to wait for every member to report healthy. */
  startTimeoutMs?: number;
}

/** etcd's default request limit is exactly the store's value limit; leave room for keys and framing. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
const STOP_GRACE_MS = 5000;

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  proc?: ChildProcess;
  exited?: Promise<void>;
  output: string;
}

/** A member could not bind a port that was free a moment earlier (another process took it). */
class PortTakenError extends Error {}

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  try {
    await access(ETCD_BINARY, constants.X_OK);
  } catch {
    throw new Error(`etcd is not installed: ${ETCD_BINARY} is missing (install the etcd-server package)`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= 3) throw err;
    }
  }
}

async function startOnce(opts: StartEtcdOptions): Promise<EtcdCluster> {
  const count = opts.members ?? 1;
  const root = await mkdtemp(join(tmpdir(), 'k8ts-etcd-'));
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    members.push({
      name: `m${i}`,
      clientUrl: `http://127.0.0.1:${clientPort}`,
      peerUrl: `http://127.0.0.1:${peerPort}`,
      dataDir: join(root, `m${i}`),
      output: '',
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const token = `k8ts-test-${randomBytes(6).toString('hex')}`;
  const killAll = () => {
    for (const m of members) if (m.proc && running(m.proc)) m.proc.kill('SIGKILL');
  };
  process.on('exit', killAll);

  const stop = async (): Promise<void> => {
    await Promise.all(members.map((m) => stopMember(m)));
    process.off('exit', killAll);
    await rm(root, { recursive: true, force: true });
  };

  try {
    for (const m of members) launch(m, initialCluster, token);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
    await Promise.all(members.map((m) => waitHealthy(m, deadline)));
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    endpoints: members.map((m) => m.clientUrl),
    dataDirs: members.map((m) => m.dataDir),
    pids: () => members.flatMap((m) => (m.proc?.pid !== undefined && running(m.proc) ? [m.proc.pid] : [])),
    async killMember(i: number): Promise<void> {
      const m = members[i];
      if (!m) throw new Error(`no etcd member ${i}`);
      if (m.proc && running(m.proc)) m.proc.kill('SIGKILL');
      await m.exited;
    },
    async restartMember(i: number): Promise<void> {
      const m = members[i];
      if (!m) throw new Error(`no etcd member ${i}`);
      if (m.proc && running(m.proc)) throw new Error(`etcd member ${i} is still running`);
      launch(m, initialCluster, token);
      await waitHealthy(m, Date.now() + (opts.startTimeoutMs ?? 20_000));
    },
    stop,
  };
}

function launch(m: Member, initialCluster: string, token: string): void {
  const args = [
    `--name=${m.name}`,
    `--data-dir=${m.dataDir}`,
    `--listen-client-urls=${m.clientUrl}`,
    `--advertise-client-urls=${m.clientUrl}`,
    `--listen-peer-urls=${m.peerUrl}`,
    `--initial-advertise-peer-urls=${m.peerUrl}`,
    `--initial-cluster=${initialCluster}`,
    `--initial-cluster-token=${token}`,
    '--initial-cluster-state=new',
    `--max-request-bytes=${MAX_REQUEST_BYTES}`,
    '--logger=zap',
    '--log-level=error',
    '--log-outputs=stderr',
  ];
  const proc = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  m.proc = proc;
  const keep = (chunk: Buffer) => {
    m.output = (m.output + chunk.toString('utf8')).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  m.exited = new Promise((resolve) => {
    if (proc.exitCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  proc.once('error', (err) => {
    m.output += `\nspawn failed: ${err.message}`;
  });
}

async function waitHealthy(m: Member, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (!m.proc || !running(m.proc)) {
      const msg = `etcd member ${m.name} exited (${m.proc?.exitCode}) while starting:\n${m.output}`;
      throw m.output.includes('address already in use') ? new PortTakenError(msg) : new Error(msg);
    }
    if (await isHealthy(m.clientUrl)) return;
    await sleep(100);
  }
  throw new Error(`etcd member ${m.name} (${m.clientUrl}) was not healthy in time:\n${m.output}`);
}

/** GET /health without keep-alive, so no socket outlives the check. */
function isHealthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${url}/health`, { agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function stopMember(m: Member): Promise<void> {
  const proc = m.proc;
  if (!proc || !running(proc)) return;
  proc.kill('SIGTERM');
  const timer = new AbortController();
  const graceful = await Promise.race([
    m.exited!.then(() => true),
    sleep(STOP_GRACE_MS, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (!graceful) {
    proc.kill('SIGKILL');
    await m.exited;
  }
}

function running(proc: ChildProcess): boolean {
  return proc.exitCode === null && proc.signalCode === null;
}

/** A port that was free a moment ago on 127.0.0.1 (the usual bind-and-release). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
