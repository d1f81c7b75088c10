/**
 * Finds the programs a containerd node needs (containerd, its runc shim, runc) and, when
 * one is missing, says in one line which Debian package provides it. Reads the file
 * system only; runs nothing.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

export class MissingBinaryError extends Error {
  constructor(
    readonly binary: string,
    readonly debianPackage: string,
    where: string,
  ) {
    super(
      `${binary} not found ${where}: install the Debian package '${debianPackage}' (apt-get install ${debianPackage})`,
    );
    this.name = 'MissingBinaryError';
  }
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `name` (absolute, or looked up on PATH), or undefined. */
export async function findExecutable(
  name: string,
  path = process.env['PATH'] ?? '',
): Promise<string | undefined> {
  if (isAbsolute(name)) return (await executable(name)) ? name : undefined;
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

export interface ContainerdBinaries {
  containerd: string;
  shim: string;
  runc: string;
}

/** Resolves the three programs or throws MissingBinaryError for the first one missing. */
export async function findContainerdBinaries(
  containerd = 'containerd',
  runc = '/usr/sbin/runc',
): Promise<ContainerdBinaries> {
  const where = (name: string): string => (isAbsolute(name) ? `at ${name}` : 'on PATH');
  const c = await findExecutable(containerd);
  if (!c) throw new MissingBinaryError('containerd', 'containerd', where(containerd));
  const shim = await findExecutable('containerd-shim-runc-v2');
  if (!shim) throw new MissingBinaryError('containerd-shim-runc-v2', 'containerd', 'on PATH');
  const r = await findExecutable(runc);
  if (!r) throw new MissingBinaryError('runc', 'runc', where(runc));
  return { containerd: c, shim, runc: r };
}
