/**
 * Starts `k8ts server` for the benchmark in a fresh data directory on a free port, with
 * extra Node.js flags when asked (V8's CPU profiler cannot be turned on through
 * NODE_OPTIONS), waits until it is ready, and stops it by PID (SIGTERM, then SIGKILL after
 * a bounded wait). Every wait is bounded; it never touches a process it did not start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { K8TS, K8TS_NODE_FLAGS } from '../../test/support/server.js';

export interface BenchServer {
  url: string;
  kubeconfig: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** `logFile`: where to copy the server's output (standard output and error) as it comes. */
export async function startBenchServer(
  nodeArgs: string[],
  args: string[],
  logFile?: string,
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-scheduler-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...K8TS_NODE_FLAGS,
      ...nodeArgs,
      K8TS,
      'server',
      '--data-dir',
      dataDir,
      '--https-port',
      '0',
      '--disable-agent',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  if (logFile) writeFileSync(logFile, '');
  const copy = (text: string) => {
    if (logFile) appendFileSync(logFile, text);
  };
  child.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    out += text;
    copy(text);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`k8ts server not ready in 60 s:\n${out}`)), 60_000);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        out += `${line}\n`;
        copy(`${line}\n`);
        const m = /API server ready at (\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`k8ts server exited before it was ready:\n${out}`));
      });
    });
    return { url, kubeconfig: join(dataDir, 'admin.kubeconfig'), pid: child.pid!, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
