/**
 * The downward API's pod fields as text, as the kubelet extracts them for environment
 * variables and downwardAPI volume files: metadata.name, namespace, uid, labels and
 * annotations (whole, as sorted `key="value"` lines, or one key as `labels['k']`), and for
 * environment variables also spec.nodeName, spec.serviceAccountName and the pod's and
 * host's addresses. Pure: reads only the pod object it is given.
 */
import type { KObject } from '../../registry/types.js';

type Obj = Record<string, unknown>;

const SUBSCRIPT = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/;

/** Quotes a string as Go's %q does: escapes, and printable characters kept as they are. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** A map as sorted `key="value"` lines, the form of whole labels and annotations. */
export function formatMap(m: Record<string, unknown> | undefined): string {
  if (!m) return '';
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${goQuote(String(m[k] ?? ''))}`)
    .join('\n');
}

/** A metadata field of the pod as text; throws `unsupported fieldPath: p` for anything else. */
export function extractFieldPathAsString(pod: KObject, fieldPath: string): string {
  const meta = (pod.metadata ?? {}) as Obj;
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    const which = sub[1] === 'metadata.labels' ? 'labels' : 'annotations';
    const v = (meta[which] as Obj | undefined)?.[sub[2]!];
    return typeof v === 'string' ? v : '';
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta['annotations'] as Obj | undefined);
    case 'metadata.labels':
      return formatMap(meta['labels'] as Obj | undefined);
    case 'metadata.name':
    case 'metadata.namespace':
    case 'metadata.uid': {
      const v = meta[fieldPath.slice('metadata.'.length)];
      return typeof v === 'string' ? v : '';
    }
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

function ips(list: unknown, single: unknown): string[] {
  if (Array.isArray(list)) {
    const out = list.map((e) => (e as Obj | undefined)?.['ip']).filter((ip): ip is string => !!ip);
    if (out.length > 0) return out;
  }
  return typeof single === 'string' && single !== '' ? [single] : [];
}

/** A field of the pod for an environment variable (the fieldRef of `env[].valueFrom`). */
export function podFieldValue(pod: KObject, fieldPath: string): string {
  const spec = (pod['spec'] ?? {}) as Obj;
  const status = (pod['status'] ?? {}) as Obj;
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  switch (fieldPath) {
    case 'spec.nodeName':
      return str(spec['nodeName']);
    case 'spec.serviceAccountName':
      return str(spec['serviceAccountName']);
    case 'status.hostIP':
      return ips(status['hostIPs'], status['hostIP'])[0] ?? '';
    case 'status.hostIPs':
      return ips(status['hostIPs'], status['hostIP']).join(',');
    case 'status.podIP':
      return ips(status['podIPs'], status['podIP'])[0] ?? '';
    case 'status.podIPs':
      return ips(status['podIPs'], status['podIP']).join(',');
  }
  return extractFieldPathAsString(pod, fieldPath);
}
