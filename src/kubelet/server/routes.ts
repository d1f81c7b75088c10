/**
 * The kubelet API paths this server knows, parsed from a request path: /healthz,
 * /containerLogs/{ns}/{pod}/{container}, /exec|/attach/{ns}/{pod}/{container} and
 * /portForward/{ns}/{pod}. Pure: no I/O, no knowledge of pods.
 */

export type Route =
  | { kind: 'healthz' }
  | { kind: 'containerLogs' | 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string };

function segments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function parseRoute(pathname: string): Route | undefined {
  const parts = segments(pathname);
  if (!parts) return undefined;
  const [head, namespace, pod, container] = parts;
  if (head === 'healthz' && parts.length === 1) return { kind: 'healthz' };
  if ((head === 'containerLogs' || head === 'exec' || head === 'attach') && parts.length === 4)
    return { kind: head, namespace: namespace!, pod: pod!, container: container! };
  if (head === 'portForward' && parts.length === 3)
    return { kind: 'portForward', namespace: namespace!, pod: pod! };
  return undefined;
}
