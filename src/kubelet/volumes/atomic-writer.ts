/**
 * Writes a set of files into a volume directory atomically, as the kubelet's
 * AtomicWriter does: the files go into a fresh timestamped directory
 * (`..YYYY_MM_DD_HH_MM_SS.xxxxxx`), a `..data` symlink is pointed at it by renaming
 * `..data_tmp` over it, and each top-level entry the user sees is a symlink through
 * `..data`. A reader either sees the old set or the new one; files already open keep
 * their old contents; keys that left the payload disappear. Nothing is rewritten when the
 * payload did not change (known from the last write when `..data` still points where it
 * left it). Touches only `dir`; never follows a symlink out of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';

/** One file of a volume: its bytes and mode (e.g. 0o644). */
export interface FileProjection {
  data: Buffer;
  mode: number;
  /** Group owner to give (fsGroup), if any. */
  gid?: number;
}

const DATA = '..data';
const DATA_TMP = '..data_tmp';

/** Checks a payload path as upstream does; returns the error message, or undefined. */
export function validatePayloadPath(p: string): string | undefined {
  if (p === '') return `invalid path: must not be empty: "${p}"`;
  if (p.startsWith('/')) return `invalid path: must be relative path: ${p}`;
  if (p.length > 4096) return 'invalid path: must be less than or equal to 4096 characters';
  const items = p.split('/');
  for (const item of items) {
    if (item === '..') return `invalid path: must not contain '..': ${p}`;
    if (item.length > 255) return 'invalid path: filenames must be less than or equal to 255 characters';
  }
  if (items[0]!.startsWith('..') && items[0]!.length > 2)
    return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

function timestampName(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const d = `${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}`;
  const t = `${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}`;
  return `..${d}_${t}.${randomBytes(5).toString('hex')}`;
}

/** Relative paths of every file and directory under `root` (not following symlinks). */
async function walk(root: string, rel = ''): Promise<Map<string, 'file' | 'dir'>> {
  const out = new Map<string, 'file' | 'dir'>();
  for (const e of await readdir(join(root, rel), { withFileTypes: true }).catch(() => [])) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      out.set(r, 'dir');
      for (const [k, v] of await walk(root, r)) out.set(k, v);
    } else out.set(r, 'file');
  }
  return out;
}

/** Whether the files under `tsDir` are exactly the payload (same paths, bytes, modes). */
async function samePayload(tsDir: string, payload: Map<string, FileProjection>): Promise<boolean> {
  const existing = [...(await walk(tsDir))].filter(([, kind]) => kind === 'file');
  if (existing.length !== payload.size) return false;
  for (const [rel, f] of payload) {
    const path = join(tsDir, rel);
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isFile() || (st.mode & 0o7777) !== f.mode || (f.gid !== undefined && st.gid !== f.gid))
      return false;
    if (!(await readFile(path)).equals(f.data)) return false;
  }
  return true;
}

/**
 * What was last written or found in each directory: its timestamped directory and a digest
 * of the payload, so that the periodic rewrite of an unchanged volume costs one readlink
 * instead of reading every file back. Only a shortcut (bounded; a miss compares the files).
 */
const lastWritten = new Map<string, { tsName: string; digest: string }>();
const LAST_WRITTEN_MAX = 4096;

function digestOf(payload: Map<string, FileProjection>): string {
  const h = createHash('sha256');
  for (const [rel, f] of [...payload].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    h.update(`${rel}\0${f.mode}\0${f.gid ?? ''}\0${f.data.length}\0`);
    h.update(f.data);
  }
  return h.digest('hex');
}

function remember(dir: string, tsName: string, digest: string): void {
  lastWritten.delete(dir);
  if (lastWritten.size >= LAST_WRITTEN_MAX) {
    const oldest = lastWritten.keys().next().value;
    if (oldest !== undefined) lastWritten.delete(oldest);
  }
  lastWritten.set(dir, { tsName, digest });
}

/** Replaces the contents of `dir` with `files` (paths relative to `dir`). */
export async function writeAtomic(dir: string, files: Map<string, FileProjection>): Promise<void> {
  const payload = new Map<string, FileProjection>();
  for (const [p, f] of files) {
    const bad = validatePayloadPath(p);
    if (bad) throw new Error(bad);
    payload.set(posix.normalize(p), f);
  }
  const digest = digestOf(payload);
  await mkdir(dir, { recursive: true });
  // What is there already: a fresh directory needs no look at links that do not exist.
  const present = new Set(await readdir(dir));
  const oldTs = present.has(DATA) ? await readlink(join(dir, DATA)).catch(() => undefined) : undefined;
  const oldDir = oldTs && !oldTs.includes('/') ? join(dir, oldTs) : undefined;
  const known = lastWritten.get(dir);
  const unchanged =
    oldDir !== undefined &&
    ((known !== undefined && known.tsName === oldTs && known.digest === digest) ||
      (await samePayload(oldDir, payload)));

  if (unchanged) remember(dir, oldTs ?? '', digest);
  else {
    const wanted = new Set<string>();
    for (const p of payload.keys()) {
      for (let d = p; d !== '.' && d !== ''; d = posix.dirname(d)) wanted.add(d);
    }
    const toRemove = oldDir ? [...(await walk(oldDir)).keys()].filter((p) => !wanted.has(p)) : [];

    const tsName = timestampName(new Date());
    const tsDir = join(dir, tsName);
    await mkdir(tsDir, { mode: 0o755 });
    await chmod(tsDir, 0o755);
    const made = new Set([tsDir]);
    for (const [rel, f] of payload) {
      const path = join(tsDir, rel);
      const parent = dirname(path);
      if (!made.has(parent)) {
        await mkdir(parent, { recursive: true, mode: 0o755 });
        made.add(parent);
      }
      await writeFile(path, f.data, { mode: f.mode });
      await chmod(path, f.mode);
      if (f.gid !== undefined) await chown(path, -1, f.gid);
    }
    if (present.has(DATA_TMP)) await rm(join(dir, DATA_TMP), { force: true });
    await symlink(tsName, join(dir, DATA_TMP));
    await rename(join(dir, DATA_TMP), join(dir, DATA));
    remember(dir, tsName, digest);
    for (const p of toRemove) {
      if (p.includes('/')) continue;
      const st = await lstat(join(dir, p)).catch(() => undefined);
      if (st?.isSymbolicLink()) {
        await unlink(join(dir, p));
        present.delete(p);
      }
    }
    if (oldDir) await rm(oldDir, { recursive: true, force: true });
  }
  await createUserVisible(dir, payload, present);
}

/** A `name -> ..data/name` symlink for each top-level entry of the payload (`present`: the names `dir` held). */
async function createUserVisible(
  dir: string,
  payload: Map<string, FileProjection>,
  present: Set<string>,
): Promise<void> {
  const tops = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const top of tops) {
    const path = join(dir, top);
    const st = present.has(top) ? await lstat(path).catch(() => undefined) : undefined;
    if (st?.isSymbolicLink()) continue;
    if (st) throw new Error(`${path} exists and is not a symlink`);
    await symlink(posix.join(DATA, top), path);
  }
}
