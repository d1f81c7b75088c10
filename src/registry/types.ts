/**
 * The registry's contracts: the shape of stored objects, the per-resource strategy hooks
 * the generic store calls, and the request context. A strategy is small and pure: it
 * mutates only the object it is handed and never touches storage.
 */
import type { ObjectMeta as UpstreamObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { ResourceInfo } from '../api/resources.js';
import type { FieldError } from '../api/validation/index.js';

/** Strips `readonly` from the upstream type declarations: the server fills these fields. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type ObjectMeta = Mutable<UpstreamObjectMeta>;

/** A Kubernetes object as JSON. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

export interface RequestContext {
  user: UserInfo;
  /** `dryRun=All`: run everything but persist nothing. */
  dryRun: boolean;
  fieldManager?: string;
  /** Warnings to return in `Warning` headers. */
  warnings: string[];
}

/** Which name rules apply to `metadata.name`. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: TableColumn[];
  /** The cells of one row, in column order (the first column is the name). */
  cells(obj: KObject, now: number): unknown[];
}

/**
 * Per-resource behaviour. Hooks run in this order on create: defaults, prepareForCreate,
 * validate; on update: defaults, prepareForUpdate, validate, validateUpdate.
 */
export interface Strategy {
  nameRule?: NameRule;
  /** PUT of a missing object creates it (e.g. Events, Leases do not; most do not). */
  allowCreateOnUpdate?: boolean;
  /** PUT without metadata.resourceVersion overwrites instead of failing. */
  allowUnconditionalUpdate?: boolean;
  /** Sets defaulted fields (the Kubernetes defaults of the kind). */
  defaults?(obj: KObject): void;
  /** Clears what a client may not set on create (status, for most). */
  prepareForCreate?(obj: KObject): void;
  /** Carries over what a client may not change through this endpoint (status, or spec). */
  prepareForUpdate?(obj: KObject, old: KObject): void;
  validate?(obj: KObject): FieldError[];
  validateUpdate?(obj: KObject, old: KObject): FieldError[];
  /**
   * Seconds the object stays visible, marked for deletion, before it is removed (pods on a
   * node). 0 or absent: removed at once unless finalizers remain.
   */
  gracePeriod?(obj: KObject, requested: number | undefined): number;
  /** Finalizers kept outside metadata.finalizers (a namespace's spec.finalizers). */
  extraFinalizers?(obj: KObject): string[];
  /** Changes made when an object is marked for deletion (a namespace becomes Terminating). */
  prepareForDelete?(obj: KObject): void;
  /** Keys written with a TTL (Events: 1 h). */
  ttlSeconds?(obj: KObject): number | undefined;
  printer?: Printer;
}

/**
 * Converts between the version a client speaks and the version stored (for resources
 * served in several versions over one storage, such as autoscaling v1 and v2). Strategies
 * always see the stored version.
 */
export interface Codec {
  toStorage(obj: KObject): KObject;
  fromStorage(obj: KObject): KObject;
}

/** A resource as the registry serves it: its table entry plus its strategies. */
export interface ResourceDef {
  info: ResourceInfo;
  strategy: Strategy;
  /** Strategy of the status subresource, when the resource has one. */
  statusStrategy?: Strategy;
  /** Present when this version is not the stored one. */
  codec?: Codec;
}
