/**
 * Starts a real `k8ts server` (bin/k8ts) as a child process in a fresh data directory on
 * a free port, waits until it is ready, and stops it by PID. Used by end-to-end tests and
 * benchmarks. Every wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const K8TS = join(REPO, 'bin', 'k8ts');
/** What the first line of bin/k8ts gives node: to be passed when starting it with node directly. */
export const K8TS_NODE_FLAGS = ['--max-semi-space-size=32'];

export interface RunningServer {
  url: string;
  dataDir: string;
  kubeconfig: string;
  pid: number;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<number | null>;
}

export interface ServerOptions {
  datastoreEndpoint?: string;
  args?: string[];
  /** Keep the data directory after stop (for restart tests); default: removed. */
  keepDataDir?: boolean;
  dataDir?: string;
  readyTimeoutMs?: number;
  /** Run the server's own kubelet with real containers (default: `--disable-agent`). */
  agent?: boolean;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
  const args = ['server', '--data-dir', dataDir, '--https-port', '0', ...(opts.args ?? [])];
  if (!opts.agent) args.push('--disable-agent');
  // Names outside the cluster never leave the machine in tests: the cluster DNS forwards
  // them to a loopback port where nothing listens (an immediate failure) unless told otherwise.
  if (!args.includes('--dns-upstream')) args.push('--dns-upstream', '127.0.0.1:9');
  if (opts.datastoreEndpoint) args.push('--datastore-endpoint', opts.datastoreEndpoint);
  const child: ChildProcess = spawn(process.execPath, [...K8TS_NODE_FLAGS, K8TS, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`k8ts server not ready in time:\n${out}`));
    }, opts.readyTimeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      out += `${line}\n`;
      const m = /API server ready at (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`k8ts server exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    kubeconfig: join(dataDir, 'admin.kubeconfig'),
    pid: child.pid!,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (opts.agent && !opts.keepDataDir) await killNode(dataDir);
      if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/** Removes the pods and network state the server's kubelet left behind (`k8ts killall`). */
export async function killNode(dataDir: string): Promise<void> {
  const child = spawn(process.execPath, [K8TS, 'killall', '--data-dir', dataDir], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await new Promise((r) => child.once('exit', r));
  clearTimeout(timer);
}
