/**
 * Times LIST of every pod in the cluster, as clients ask for it: one GET of
 * `/api/v1/pods` as JSON with no limit, the same in chunks of 500 following `continue`
 * (what `kubectl get pods -A` does) both as JSON and as the server-side Table kubectl asks
 * for, and the real kubectl printing every pod. Each returns its wall time, bytes and the
 * number of items seen, so a short answer cannot pass for a fast one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL } from '../../test/support/kubectl.js';
import type { Transport } from '../apiserver/transport.js';

export interface ListTiming {
  seconds: number;
  bytes: number;
  items: number;
  pages: number;
}

const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** How often `needle` occurs in `buf`. */
function occurrences(buf: Buffer, needle: string): number {
  const n = Buffer.from(needle);
  let count = 0;
  for (let at = buf.indexOf(n); at >= 0; at = buf.indexOf(n, at + n.length)) count++;
  return count;
}

/** One GET of every pod, no limit; items counted by their metadata without parsing the body. */
export async function listAll(t: Transport): Promise<ListTiming> {
  const t0 = performance.now();
  const res = await t.request('GET', '/api/v1/pods');
  const seconds = (performance.now() - t0) / 1000;
  if (res.status !== 200)
    throw new Error(`LIST /api/v1/pods: ${res.status} ${res.body.toString('utf8', 0, 300)}`);
  return { seconds, bytes: res.bytes, items: occurrences(res.body, '"creationTimestamp":'), pages: 1 };
}

/** Every pod in pages of `limit`, as JSON or as a Table; the time of all pages together. */
export async function listChunked(
  request: (path: string, accept: string) => Promise<{ status: number; body: Buffer }>,
  limit: number,
  table: boolean,
  maxPages: number,
): Promise<ListTiming> {
  let cont = '';
  let bytes = 0;
  let items = 0;
  let pages = 0;
  const t0 = performance.now();
  do {
    const path = `/api/v1/pods?limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    const res = await request(path, table ? TABLE : 'application/json');
    if (res.status !== 200)
      throw new Error(`LIST ${path}: ${res.status} ${res.body.toString('utf8', 0, 300)}`);
    bytes += res.body.length;
    const page = JSON.parse(res.body.toString('utf8')) as {
      metadata: { continue?: string };
      items?: unknown[];
      rows?: unknown[];
    };
    items += (table ? page.rows : page.items)?.length ?? 0;
    cont = page.metadata.continue ?? '';
    pages++;
  } while (cont && pages < maxPages);
  return { seconds: (performance.now() - t0) / 1000, bytes, items, pages };
}

/** `kubectl get pods -A --no-headers` with the real kubectl; items are the lines it printed. */
export async function kubectlGetPods(kubeconfig: string, timeoutMs: number): Promise<ListTiming | undefined> {
  if (!existsSync(KUBECTL)) return undefined;
  const cacheDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-scale-kubectl-'));
  try {
    const t0 = performance.now();
    const child = spawn(
      KUBECTL,
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, 'get', 'pods', '-A', '--no-headers'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let lines = 0;
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`kubectl get pods -A exited ${code}: ${err.slice(0, 300)}`);
    return { seconds: (performance.now() - t0) / 1000, bytes, items: lines, pages: 0 };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
