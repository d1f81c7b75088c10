/**
 * A serialisable description of a store instance, so that a test can open the same store
 * in a child process (crash durability) and again after the child dies.
 */
import { SqliteStore } from '../sqlite/store.js';
import type { Store } from '../types.js';

export type StoreSpec =
  | { backend: 'sqlite'; path: string }
  | { backend: 'etcd'; endpoints: string[]; prefix: string };

export async function openSpec(spec: StoreSpec): Promise<Store> {
  if (spec.backend === 'sqlite') return SqliteStore.open(spec.path, { compaction: false });
  const { EtcdStore } = await import('../etcd/store.js');
  return EtcdStore.open({ endpoints: spec.endpoints, prefix: spec.prefix });
}
