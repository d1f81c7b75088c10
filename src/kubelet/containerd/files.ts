/**
 * Writes a containerd instance's files under its directory: config.toml, certs.d entries
 * for the plain-HTTP registries, and the directories the config names. Creates only
 * inside that directory; deletes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ContainerdConfigOptions,
  type ContainerdLayout,
  containerdLayout,
  renderContainerdConfig,
  renderInsecureHostsToml,
} from './config.js';

export async function writeContainerdFiles(opts: ContainerdConfigOptions): Promise<ContainerdLayout> {
  const l = containerdLayout(opts.dir);
  for (const d of [l.dir, l.root, l.state, l.runcRoot, l.cniConfDir, l.certsDir]) {
    await mkdir(d, { recursive: true, mode: 0o700 });
  }
  await writeFile(l.configFile, renderContainerdConfig(opts), { mode: 0o600 });
  for (const host of opts.insecureRegistries ?? ['127.0.0.1:5000']) {
    await mkdir(join(l.certsDir, host), { recursive: true });
    await writeFile(join(l.certsDir, host, 'hosts.toml'), renderInsecureHostsToml(host));
  }
  return l;
}
