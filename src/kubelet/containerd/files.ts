/**
 * Writes a containerd instance's files under its directory: config.toml, the certs.d
 * hosts files (plain-HTTP registries, and the mirrors and TLS settings of the node's
 * registries file), and the directories the config names. Creates only inside that
 * directory; it removes only hosts files it wrote before that are no longer wanted.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ContainerdConfigOptions,
  type ContainerdLayout,
  containerdLayout,
  renderContainerdConfig,
  renderHostsFiles,
} from './config.js';

/** The first line of every hosts file this module writes. */
const MARK = '# Written by k8ts';

/** Removes certs.d/<dir>/hosts.toml files written by k8ts whose dir is not in `keep`. */
async function removeStaleHostsFiles(certsDir: string, keep: Set<string>): Promise<void> {
  for (const dir of await readdir(certsDir).catch(() => [] as string[])) {
    if (keep.has(dir)) continue;
    const file = join(certsDir, dir, 'hosts.toml');
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.startsWith(MARK)) await rm(join(certsDir, dir), { recursive: true, force: true });
  }
}

export async function writeContainerdFiles(opts: ContainerdConfigOptions): Promise<ContainerdLayout> {
  const l = containerdLayout(opts.dir);
  for (const d of [l.dir, l.root, l.state, l.runcRoot, l.cniConfDir, l.certsDir]) {
    await mkdir(d, { recursive: true, mode: 0o700 });
  }
  await writeFile(l.configFile, renderContainerdConfig(opts), { mode: 0o600 });
  const files = renderHostsFiles(opts);
  await removeStaleHostsFiles(l.certsDir, new Set(files.map((f) => f.dir)));
  for (const { dir, text } of files) {
    await mkdir(join(l.certsDir, dir), { recursive: true });
    await writeFile(join(l.certsDir, dir, 'hosts.toml'), text, { mode: 0o600 });
  }
  return l;
}
