/**
 * writeKubeconfig: puts a client-certificate kubeconfig on disk with mode 0600 (it holds a
 * private key), replacing any previous file atomically so a concurrent kubectl never reads
 * half a file. Must not merge with an existing kubeconfig: the file is owned by k8ts.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './files.js';
import { type KubeconfigOptions, kubeconfigYaml } from './kubeconfig-yaml.js';

export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, kubeconfigYaml(opts), 0o600);
}
