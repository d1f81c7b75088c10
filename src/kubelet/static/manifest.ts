/**
 * A static pod from the text of one manifest file: parsed (YAML or JSON, exactly one
 * document, a v1 Pod), defaulted as the API server defaults pods, named
 * `<name>-<node name>`, put in `default` unless it names a namespace, bound to the node,
 * given a uid that is a hash of the node, the file's path and the defaulted manifest (so
 * a change of the content gives a new uid, while comments and formatting do not), the
 * config annotations, and a toleration of every NoExecute taint so that node problems do
 * not evict it. Returns an error message instead of a pod for anything else. No I/O.
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { formatFieldError, isDNS1123Label, isDNS1123Subdomain } from '../../api/validation/index.js';
import { validateContainers } from '../../registry/resources/core/containers.js';
import { defaultPodSpec } from '../../registry/resources/core/pod-defaults.js';
import type { KObject } from '../../registry/types.js';
import { CONFIG_HASH, CONFIG_SEEN, CONFIG_SOURCE } from './annotations.js';

type Obj = Record<string, unknown>;

export type ManifestResult = { pod: KObject } | { error: string };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with object keys in sorted order, so equal objects hash alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The single document of `text`, or why there is not exactly one. */
function parseOne(text: string): { doc: unknown } | { error: string } {
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text);
  } catch (err) {
    return { error: `cannot parse: ${(err as Error).message}` };
  }
  if (!Array.isArray(docs)) return { error: 'cannot parse: no documents' };
  const values: unknown[] = [];
  for (const d of docs) {
    const first = d.errors[0];
    if (first) return { error: `cannot parse: ${first.message.split('\n')[0] ?? ''}` };
    const v: unknown = d.toJS();
    if (v !== null && v !== undefined) values.push(v);
  }
  if (values.length !== 1) return { error: `expected one Pod, found ${values.length} documents` };
  return { doc: values[0] };
}

/**
 * The static pod that `text` (the content of the file at `path`) describes on node
 * `nodeName`; `seen` is when this kubelet first saw it (the config.seen annotation).
 */
export function staticPodFrom(text: string, path: string, nodeName: string, seen: string): ManifestResult {
  const parsed = parseOne(text);
  if ('error' in parsed) return parsed;
  const doc = parsed.doc;
  if (!isObj(doc)) return { error: 'not an object' };
  if (doc['kind'] !== 'Pod' || doc['apiVersion'] !== 'v1')
    return {
      error: `expected apiVersion v1, kind Pod, not ${String(doc['apiVersion'])} ${String(doc['kind'])}`,
    };
  const meta = isObj(doc['metadata']) ? doc['metadata'] : {};
  const name = meta['name'];
  if (typeof name !== 'string' || name === '') return { error: 'metadata.name: Required value' };
  const namespace =
    typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : 'default';
  if (!isObj(doc['spec'])) return { error: 'spec: Required value' };

  const pod = structuredClone(doc) as KObject & { spec: Obj };
  delete pod['status'];
  defaultPodSpec(pod.spec);
  pod.spec['nodeName'] = nodeName;
  const tolerations = Array.isArray(pod.spec['tolerations']) ? (pod.spec['tolerations'] as Obj[]) : [];
  const tolerates = tolerations.some(
    (t) => t['operator'] === 'Exists' && t['effect'] === 'NoExecute' && !t['key'],
  );
  if (!tolerates) pod.spec['tolerations'] = [...tolerations, { operator: 'Exists', effect: 'NoExecute' }];

  const podName = `${name}-${nodeName.toLowerCase()}`;
  const errors = [
    ...isDNS1123Subdomain(podName).map((m) => `metadata.name: Invalid value: "${podName}": ${m}`),
    ...isDNS1123Label(namespace).map((m) => `metadata.namespace: Invalid value: "${namespace}": ${m}`),
    ...validateContainers(pod.spec, 'spec').map(formatFieldError),
  ];
  if (errors.length > 0) return { error: `invalid pod: ${errors.join('; ')}` };

  const hasher = createHash('sha256');
  hasher.update(`host:${nodeName}\nfile:${path}\n`);
  hasher.update(canonical(pod));
  const uid = hasher.digest('hex').slice(0, 32);

  const annotations: Record<string, string> = {};
  if (isObj(meta['annotations']))
    for (const [k, v] of Object.entries(meta['annotations'])) annotations[k] = String(v);
  annotations[CONFIG_HASH] = uid;
  annotations[CONFIG_SEEN] = seen;
  annotations[CONFIG_SOURCE] = 'file';
  const labels: Record<string, string> = {};
  if (isObj(meta['labels'])) for (const [k, v] of Object.entries(meta['labels'])) labels[k] = String(v);
  pod.metadata = {
    name: podName,
    namespace,
    uid,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    annotations,
  };
  pod['status'] = { phase: 'Pending' };
  return { pod };
}
