/**
 * Files the kubelet keeps per pod under `<podsDir>/<uid>/`: the managed /etc/hosts (pod
 * IP and host name, host aliases), termination message files (one per container
 * instance, mounted at terminationMessagePath), and reading a message back after exit,
 * falling back to the log's tail when the policy says so.
 */
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KObject } from '../../registry/types.js';
import { parseCriLog } from '../cri/log-format.js';

type Obj = Record<string, unknown>;

const MAX_MESSAGE = 4096;
const FALLBACK_LINES = 80;
const FALLBACK_BYTES = 2048;

export function podDir(podsDir: string, uid: string): string {
  return join(podsDir, uid);
}

export function hostsContent(pod: KObject, podIP: string, clusterDomain: string): string {
  const spec = (pod['spec'] as Obj | undefined) ?? {};
  const m = pod.metadata ?? {};
  const hostname = String(spec['hostname'] ?? m.name ?? '');
  const sub = spec['subdomain'] ? String(spec['subdomain']) : '';
  const names = sub ? `${hostname}.${sub}.${m.namespace}.svc.${clusterDomain}\t${hostname}` : hostname;
  let out =
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
    'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';
  if (podIP) out += `${podIP}\t${names}\n`;
  const aliases = (spec['hostAliases'] as Obj[] | undefined) ?? [];
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases)
      out += `${a['ip']}\t${((a['hostnames'] as string[] | undefined) ?? []).join('\t')}\n`;
  }
  return out;
}

/**
 * Writes the pod's managed hosts file unless `last` (what an earlier call wrote) already
 * has this content; returns what the file now holds.
 */
export async function writeHosts(
  podsDir: string,
  pod: KObject,
  podIP: string,
  clusterDomain: string,
  last?: { path: string; content: string },
): Promise<{ path: string; content: string }> {
  const path = join(podDir(podsDir, pod.metadata?.uid ?? ''), 'etc-hosts');
  const content = hostsContent(pod, podIP, clusterDomain);
  if (last?.path === path && last.content === content) return last;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return { path, content };
}

/** Creates (empty) the termination message file of a container instance. */
export async function terminationFile(
  podsDir: string,
  uid: string,
  name: string,
  attempt: number,
): Promise<string> {
  const path = join(podDir(podsDir, uid), 'containers', name, String(attempt));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '', { mode: 0o666 });
  return path;
}

async function head(path: string, bytes: number): Promise<string> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString();
  } finally {
    await fh.close();
  }
}

/** The message of a finished container instance, by its terminationMessagePolicy. */
export async function terminationMessage(
  podsDir: string,
  uid: string,
  name: string,
  attempt: number,
  policy: string,
  exitCode: number,
  logFile: string,
): Promise<string> {
  const msg = await head(join(podDir(podsDir, uid), 'containers', name, String(attempt)), MAX_MESSAGE);
  if (msg || policy !== 'FallbackToLogsOnError' || exitCode === 0) return msg;
  const lines = parseCriLog(await readFile(logFile, 'utf8').catch(() => ''));
  const tail = lines
    .slice(-FALLBACK_LINES)
    .map((l) => l.text)
    .join('\n');
  return tail.slice(-FALLBACK_BYTES);
}
