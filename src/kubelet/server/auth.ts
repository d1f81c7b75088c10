/**
 * Who may use the kubelet's API: a client certificate verified against the cluster CA
 * (checked by the TLS layer; this module reads its verdict), whose subject is in the
 * group system:masters or is the API server's kubelet client. Answers as the kubelet
 * does: 401 "Unauthorized" without a verified certificate, 403 with the request's
 * attributes (resource "nodes", a subresource by path) otherwise. Does not do RBAC.
 */
import type { TLSSocket } from 'node:tls';

export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';
export const MASTERS_GROUP = 'system:masters';

export type AuthDecision =
  | { allowed: true; user: string }
  | { allowed: false; code: 401 | 403; message: string };

interface Subject {
  CN?: string | string[];
  O?: string | string[];
}

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The authorization verb of an HTTP method, as the kubelet derives it. */
export function verbOf(method: string): string {
  switch (method.toUpperCase()) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'get';
  }
}

/** The `nodes` subresource a kubelet path is authorized as. */
export function subresourceOf(path: string): string {
  if (path.startsWith('/stats/') || path === '/stats') return 'stats';
  if (path.startsWith('/metrics')) return 'metrics';
  if (path.startsWith('/logs/') || path === '/logs') return 'log';
  if (path.startsWith('/spec')) return 'spec';
  if (path.startsWith('/checkpoint')) return 'checkpoint';
  return 'proxy';
}

/** Decides on a request from its TLS socket (after the handshake), method and path. */
export function authorize(socket: TLSSocket, method: string, path: string): AuthDecision {
  if (!socket.authorized) return { allowed: false, code: 401, message: 'Unauthorized' };
  const subject = (socket.getPeerCertificate() as { subject?: Subject } | undefined)?.subject;
  const user = list(subject?.CN).at(-1);
  if (!user) return { allowed: false, code: 401, message: 'Unauthorized' };
  const groups = list(subject?.O);
  if (groups.includes(MASTERS_GROUP) || user === KUBELET_CLIENT_CN) return { allowed: true, user };
  return {
    allowed: false,
    code: 403,
    message: `Forbidden (user=${user}, verb=${verbOf(method)}, resource=nodes, subresource=${subresourceOf(path)})`,
  };
}
