/**
 * Runs the real kubectl 1.32 (by path) against a test server with its own cache
 * directory, bounded in time. Returns stdout, stderr and the exit code; never throws for
 * a non-zero exit, so tests can assert on failures.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

export function hasKubectl(): boolean {
  return existsSync(KUBECTL);
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The exit code of a finished execFile child: 0, its own code, or 1 (killed, not started). */
function exitCode(err: Error | null): number {
  if (!err) return 0;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : 1;
}

export function kubectlFor(kubeconfig: string, cacheDir: string) {
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(cacheDir, 'kube-cache')];
  const env = { ...process.env, HOME: cacheDir, KUBECONFIG: kubeconfig };
  return function kubectl(
    args: string[],
    opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
  ): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        KUBECTL,
        [...base, ...args],
        { timeout: opts.timeoutMs ?? 30_000, env: { ...env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: exitCode(err), stdout, stderr }),
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
  };
}

/** Starts a long-running kubectl (e.g. `get -w`), collecting its output until stopped. */
export function kubectlStream(kubeconfig: string, cacheDir: string, args: string[]) {
  const child = spawn(
    KUBECTL,
    ['--kubeconfig', kubeconfig, '--cache-dir', join(cacheDir, 'kube-cache'), ...args],
    {
      env: { ...process.env, HOME: cacheDir },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    output: () => out,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return out;
    },
  };
}

/**
 * Runs kubectl on a pseudo-terminal (through util-linux `script`), for `exec -it` and
 * `attach -it`: `input` is what is typed. The exit code is kubectl's.
 */
export function kubectlOnTerminal(
  kubeconfig: string,
  cacheDir: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [KUBECTL, '--kubeconfig', kubeconfig, '--cache-dir', join(cacheDir, 'kube-cache'), ...args]
    .map(quote)
    .join(' ');
  return new Promise((resolve) => {
    const child = execFile(
      'script',
      ['--quiet', '--return', '--command', command, '/dev/null'],
      { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, HOME: cacheDir, TERM: 'xterm' } },
      (err, stdout, stderr) => resolve({ code: exitCode(err), stdout, stderr }),
    );
    child.stdin?.end(opts.input ?? '');
  });
}
