/**
 * The files of a projected volume: its configMap, secret, downwardAPI and
 * serviceAccountToken sources merged into one payload, errors of the sources aggregated as
 * upstream does. Tokens come from the injected TokenRequest function and are cached per
 * pod until 80% of their lifetime (at most 24 hours) has passed, as the kubelet's token
 * manager does. Without a TokenRequest function, token sources are skipped (and logged).
 */
import type { KObject } from '../../registry/types.js';
import type { Obj, ObjectSource } from '../pods/deps.js';
import {
  aggregate,
  DEFAULT_MODE,
  downwardPayload,
  fsGroupOf,
  keyPayload,
  type Payload,
  projection,
} from './payloads.js';
import type { Allocatable } from './resources.js';

export type RequestToken = (
  namespace: string,
  serviceAccount: string,
  audiences: string[],
  expirationSeconds: number,
  pod: { name: string; uid: string },
  signal: AbortSignal,
) => Promise<{ token: string; expirationTimestamp: string }>;

interface CachedToken {
  token: string;
  refreshAt: number;
  expiresAt: number;
}

/** Tokens per pod uid and request; forgotten with the pod. */
export class TokenCache {
  private readonly byPod = new Map<string, Map<string, CachedToken>>();

  constructor(
    private readonly request: RequestToken,
    private readonly now: () => number = Date.now,
  ) {}

  async get(
    pod: KObject,
    audiences: string[],
    expirationSeconds: number,
    signal: AbortSignal,
  ): Promise<string> {
    const uid = pod.metadata?.uid ?? '';
    const ns = pod.metadata?.namespace ?? 'default';
    const sa = String(((pod['spec'] ?? {}) as Obj)['serviceAccountName'] || 'default');
    const key = JSON.stringify([sa, audiences, expirationSeconds]);
    const cached = this.byPod.get(uid)?.get(key);
    const issued = this.now();
    if (cached && issued < cached.refreshAt) return cached.token;
    const ref = { name: pod.metadata?.name ?? '', uid };
    let res: Awaited<ReturnType<RequestToken>>;
    try {
      res = await this.request(ns, sa, audiences, expirationSeconds, ref, signal);
    } catch (err) {
      // A token due for refresh but not yet expired is still used, as the kubelet does.
      if (cached && issued < cached.expiresAt && !signal.aborted) return cached.token;
      throw err;
    }
    const parsed = Date.parse(res.expirationTimestamp);
    const expires = Number.isNaN(parsed) ? issued + expirationSeconds * 1000 : parsed;
    const lifetime = expires - issued;
    const refreshAt = issued + Math.min(lifetime * 0.8, 24 * 3600_000);
    const m = this.byPod.get(uid) ?? new Map<string, CachedToken>();
    this.byPod.set(uid, m);
    m.set(key, { token: res.token, refreshAt, expiresAt: expires });
    return res.token;
  }

  forget(uid: string): void {
    this.byPod.delete(uid);
  }
}

export interface ProjectedContext {
  objects: ObjectSource;
  tokens: TokenCache | undefined;
  alloc: Allocatable;
  log: (m: string) => void;
}

/** The payload of the projected volume `source` of `pod`. */
export async function projectedPayload(
  pod: KObject,
  source: Obj,
  ctx: ProjectedContext,
  signal: AbortSignal,
): Promise<Payload> {
  const ns = pod.metadata?.namespace ?? 'default';
  const defaultMode = typeof source['defaultMode'] === 'number' ? source['defaultMode'] : DEFAULT_MODE;
  const fsGroup = fsGroupOf(pod);
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const s of (source['sources'] ?? []) as Obj[]) {
    try {
      if (s['configMap'] || s['secret']) {
        const kind = s['configMap'] ? 'configmap' : 'secret';
        const src = (s['configMap'] ?? s['secret']) as Obj;
        const name = String(src['name'] ?? '');
        const obj = await ctx.objects.get(kind === 'configmap' ? 'configmaps' : 'secrets', ns, name, signal);
        if (!obj && src['optional'] !== true) throw new Error(`${kind} "${name}" not found`);
        for (const [k, v] of keyPayload(kind, obj, src, defaultMode, fsGroup)) payload.set(k, v);
      } else if (s['downwardAPI']) {
        const items = ((s['downwardAPI'] as Obj)['items'] ?? []) as Obj[];
        for (const [k, v] of downwardPayload(pod, items, defaultMode, fsGroup, ctx.alloc)) payload.set(k, v);
      } else if (s['serviceAccountToken']) {
        const tp = s['serviceAccountToken'] as Obj;
        if (!ctx.tokens) {
          ctx.log(
            `projected volume of pod ${ns}/${pod.metadata?.name}: no TokenRequest support, token source skipped`,
          );
          continue;
        }
        const audience = typeof tp['audience'] === 'string' && tp['audience'] !== '' ? [tp['audience']] : [];
        const exp = typeof tp['expirationSeconds'] === 'number' ? tp['expirationSeconds'] : 3600;
        const token = await ctx.tokens.get(pod, audience, exp, signal);
        // With an fsGroup the token is 0600 before the group bits are added (0640).
        const mode = fsGroup !== undefined ? 0o600 : defaultMode;
        payload.set(String(tp['path'] ?? 'token'), projection(Buffer.from(token, 'utf8'), mode, fsGroup));
      } else if (s['clusterTrustBundle']) {
        ctx.log(
          `projected volume of pod ${ns}/${pod.metadata?.name}: clusterTrustBundle sources are not supported`,
        );
      }
    } catch (err) {
      if (signal.aborted) throw err;
      errors.push((err as Error).message);
    }
  }
  if (errors.length > 0) throw new Error(aggregate(errors));
  return payload;
}
