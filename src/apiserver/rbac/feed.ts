/**
 * Keeps a PolicyIndex in step with the registry's watch caches of the four RBAC
 * resources: loads each cache's current objects, then applies its changes as the cache
 * hands them to a watcher; when the cache is reinitialised (relist) or the watcher is cut
 * off, loads again. Reads caches only; never writes.
 */
import type { Registry } from '../../registry/registry.js';
import { sleep } from '../../util/sleep.js';
import { POLICY_KINDS, type PolicyIndex, type PolicyKind } from './policy-index.js';
import { RBAC_GROUP } from './rules.js';

const RETRY_MS = 100;

async function feedOne(
  registry: Registry,
  kind: PolicyKind,
  index: PolicyIndex,
  signal: AbortSignal,
  onChange: (kind: PolicyKind) => void,
) {
  const store = registry.get(RBAC_GROUP, 'v1', kind);
  if (!store) return;
  const prefix = store.keyPrefix('');
  while (!signal.aborted) {
    // Loading and subscribing happen in one turn, so no change falls between them.
    const rev = registry.caches.revision;
    index.reset(kind, store.cache.list(prefix));
    onChange(kind);
    try {
      for await (const ev of store.cache.watch(prefix, rev, rev, signal, {})) {
        if (ev.type === 'DELETED') index.remove(kind, ev.object);
        else if (ev.type !== 'BOOKMARK') index.put(kind, ev.object);
        if (ev.type !== 'BOOKMARK') onChange(kind);
      }
    } catch {
      // Reinitialised or cut off: load again.
    }
    await sleep(RETRY_MS, signal).catch(() => {});
  }
}

/** Starts feeding `index` from `registry` until `signal` aborts; `onChange` follows every change. */
export function feedPolicyIndex(
  registry: Registry,
  index: PolicyIndex,
  signal: AbortSignal,
  onChange: (kind: PolicyKind) => void = () => {},
): void {
  for (const kind of POLICY_KINDS) void feedOne(registry, kind, index, signal, onChange);
}
