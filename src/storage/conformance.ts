/**
 * The storage conformance suite: one set of cases that every backend must pass, so that
 * SQLite and etcd are interchangeable under the API server. Call it from a backend's test
 * file with a factory for fresh, isolated stores.
 */
import { describe } from 'node:test';
import type { FanoutOptions } from './fanout.js';
import { crudCases } from './testing/cases-crud.js';
import { durabilityCases } from './testing/cases-durability.js';
import { listCases } from './testing/cases-list.js';
import { watchCases } from './testing/cases-watch.js';
import type { StoreSpec } from './testing/spec.js';
import type { Store } from './types.js';

export interface StoreFactory {
  /** A fresh, empty, isolated store (its own database, or its own key prefix in etcd). */
  make(opts?: { fanout?: FanoutOptions }): Promise<Store>;
  /** A spec for a fresh store that a child process can open (crash durability). */
  spec(): Promise<StoreSpec>;
}

export function runStoreConformance(name: string, factory: StoreFactory): void {
  describe(`store conformance: ${name}`, () => {
    crudCases(factory);
    listCases(factory);
    watchCases(factory);
    durabilityCases(factory);
  });
}
