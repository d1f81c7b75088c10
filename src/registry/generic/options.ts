/** Options of the generic store's verbs, decoded from the request by the API server. */
import type { ObjectFilter } from '../cache/resource-cache.js';

export interface ListOptions {
  /** Which objects to return (label, field and namespace selection already combined). */
  filter?: ObjectFilter;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
}

export interface WatchOptions {
  filter?: ObjectFilter;
  resourceVersion?: string;
}
