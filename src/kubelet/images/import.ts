/**
 * Imports image archives (OCI or Docker `save` format, `.tar`, or gzip-compressed
 * `.tar.gz`/`.tgz`) into a node's containerd, in the CRI namespace k8s.io, so pods can run
 * them without a registry. It runs containerd's own client, `ctr images import
 * --all-platforms`, against the node's socket, one archive at a time, with a bounded wait.
 * It does not start containerd (a missing socket is an error) and does not pull anything.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { findExecutable } from '../containerd/binaries.js';

/** The CRI plugin's containerd namespace. */
export const CRI_NAMESPACE = 'k8s.io';

export const CONTAINERD_NOT_RUNNING = 'containerd is not running: start k8ts server or k8ts agent first';

export interface ImportOptions {
  /** The ctr program (default: `ctr` on PATH). */
  ctr?: string;
  signal?: AbortSignal;
  /** Longest wait for one archive (default 10 min). */
  timeoutMs?: number;
}

/** Resolves when something accepts connections on the unix socket; else throws CONTAINERD_NOT_RUNNING. */
export async function checkContainerdSocket(socket: string): Promise<void> {
  const ok = await new Promise<boolean>((resolve) => {
    const s = connect(socket);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 5_000);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ok) throw new Error(CONTAINERD_NOT_RUNNING);
}

async function ctrPath(ctr: string | undefined): Promise<string> {
  const found = await findExecutable(ctr ?? 'ctr');
  if (!found)
    throw new Error(
      `${ctr ?? 'ctr'} not found: install the Debian package 'containerd' (apt-get install containerd)`,
    );
  return found;
}

/**
 * Imports one archive; resolves to the image names containerd recorded. Throws an Error
 * whose message is ctr's last line of complaint.
 */
export async function importArchive(
  file: string,
  socket: string,
  opts: ImportOptions = {},
): Promise<string[]> {
  const ctr = await ctrPath(opts.ctr);
  await stat(file);
  const gzip = /\.(tar\.gz|tgz)$/.test(file);
  const args = [
    '--address',
    socket,
    '-n',
    CRI_NAMESPACE,
    'images',
    'import',
    '--all-platforms',
    gzip ? '-' : file,
  ];
  const signal = AbortSignal.any([
    opts.signal ?? new AbortController().signal,
    AbortSignal.timeout(opts.timeoutMs ?? 600_000),
  ]);
  const child = spawn(ctr, args, {
    stdio: [gzip ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    signal,
    killSignal: 'SIGKILL',
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  if (gzip && child.stdin) {
    const input = createReadStream(file).pipe(createGunzip());
    input.on('error', (e) => {
      err += `${file}: ${e.message}\n`;
      child.stdin?.destroy();
    });
    child.stdin.on('error', () => undefined);
    input.pipe(child.stdin);
  }
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (e) => {
      err += `${e.message}\n`;
      resolve(null);
    });
    child.once('close', (c) => resolve(c));
  });
  if (code !== 0) {
    const last = err.trim().split('\n').pop() ?? '';
    throw new Error(`importing ${file}: ${last.replace(/^ctr: /, '') || `ctr exited with code ${code}`}`);
  }
  return [...out.matchAll(/^unpacking (\S+) \(/gm)].map((m) => m[1]!);
}

export interface ImportSummary {
  imported: { file: string; images: string[] }[];
  failed: { file: string; error: string }[];
}

/**
 * Imports every `*.tar`, `*.tar.gz` and `*.tgz` in `dir` (sorted by name), as k3s does
 * with its agent/images directory at start. A missing directory imports nothing; a failed
 * archive is reported and the others still go in. Throws only when containerd is not
 * reachable at `socket`.
 */
export async function importImageArchives(
  dir: string,
  socket: string,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: [], failed: [] };
  const names = await readdir(dir).catch(() => [] as string[]);
  const archives = names.filter((n) => /\.(tar|tar\.gz|tgz)$/.test(n)).sort();
  if (archives.length === 0) return summary;
  await checkContainerdSocket(socket);
  for (const name of archives) {
    const file = join(dir, name);
    try {
      summary.imported.push({ file, images: await importArchive(file, socket, opts) });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      summary.failed.push({ file, error: (err as Error).message });
    }
  }
  return summary;
}
