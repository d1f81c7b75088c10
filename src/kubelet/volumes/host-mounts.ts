/**
 * Host mount handling for pod volume directories: reads /proc/self/mountinfo, mounts a
 * tmpfs (emptyDir medium Memory; Secret and projected volumes), unmounts, and removes a
 * pod's directory tree without ever crossing into another file system or following a
 * symlink (so host data reachable through a bind mount or a link is never deleted).
 * Runs `mount`/`umount`; touches nothing outside the paths it is given.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, realpath, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Mount points of this process's mount namespace, in mountinfo order. */
export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => unescapeMountPath(l.split(' ')[4] ?? ''));
}

async function real(path: string): Promise<string> {
  return realpath(path).catch(() => path);
}

export async function isMountPoint(path: string): Promise<boolean> {
  const p = await real(path);
  return (await mountPoints()).includes(p);
}

/** Mount points at or below `dir`, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = await real(dir);
  const all = await mountPoints();
  const under = all.filter((m) => m === root || m.startsWith(`${root}/`));
  return [...new Set(under)].sort((a, b) => b.length - a.length);
}

/**
 * Whether something is mounted on `dir`, judged as the kubelet does it on every sync:
 * `dir` on another device than its parent (two stats, where mountinfo grows with every
 * pod). Misses a bind mount from the same file system, which a tmpfs never is.
 */
export async function likelyMountPoint(dir: string): Promise<boolean> {
  const [own, parent] = await Promise.all([lstat(dir), lstat(dirname(dir))]);
  return own.dev !== parent.dev;
}

/** Mounts a tmpfs on `dir` unless one is there; `sizeBytes` caps it. */
export async function mountTmpfs(
  dir: string,
  sizeBytes: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (await likelyMountPoint(dir)) return;
  const args = ['-t', 'tmpfs'];
  if (sizeBytes !== undefined && sizeBytes > 0) args.push('-o', `size=${sizeBytes}`);
  args.push('tmpfs', dir);
  await run('mount', args, { signal, timeout: 30_000 });
}

/** Unmounts `dir` (lazily when busy, so the tree below can no longer reach it). */
export async function unmount(dir: string): Promise<void> {
  try {
    await run('umount', [dir], { timeout: 30_000 });
  } catch {
    await run('umount', ['-l', dir], { timeout: 30_000 });
  }
}

/**
 * Removes `dir` and what it holds, staying on its file system: symlinks are unlinked,
 * never followed, and a directory on another device (a mount) stops the removal with an
 * error rather than being entered.
 */
export async function removeTree(dir: string): Promise<void> {
  const top = await lstat(dir).catch(() => undefined);
  if (!top) return;
  if (!top.isDirectory()) {
    await unlink(dir);
    return;
  }
  const dev = top.dev;
  const visit = async (path: string): Promise<void> => {
    for (const e of await readdir(path, { withFileTypes: true })) {
      const child = join(path, e.name);
      const st = await lstat(child);
      if (st.isDirectory()) {
        if (st.dev !== dev) throw new Error(`refusing to remove ${child}: it is on another file system`);
        await visit(child);
        await rmdir(child);
      } else {
        await unlink(child);
      }
    }
  };
  await visit(dir);
  await rmdir(dir);
}
