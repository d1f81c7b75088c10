/**
 * The storage layer's error vocabulary. Backends raise only these; the registry maps them
 * to Kubernetes Status errors in one place. Nothing here knows about HTTP.
 */
import type { KeyValue } from './types.js';

export type StorageErrorCode = 'NotFound' | 'Exists' | 'Conflict' | 'Compacted' | 'Unavailable' | 'TooLarge';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** The key the operation was about, when there is one. */
    readonly key?: string,
  ) {
    super(message);
    this.name = `StorageError(${code})`;
  }
}

export class NotFoundError extends StorageError {
  constructor(key: string) {
    super('NotFound', `key not found: ${key}`, key);
  }
}

export class ExistsError extends StorageError {
  constructor(key: string) {
    super('Exists', `key already exists: ${key}`, key);
  }
}

/** A compare-and-swap lost. `current` is the live value at the time of the failure, when known. */
export class ConflictError extends StorageError {
  constructor(
    key: string,
    readonly current?: KeyValue,
  ) {
    super('Conflict', `key was modified: ${key}`, key);
  }
}

/** The requested revision is older than the compaction point. */
export class CompactedError extends StorageError {
  constructor(
    readonly requested: number,
    readonly compactRevision: number,
  ) {
    super('Compacted', `revision ${requested} has been compacted (compacted up to ${compactRevision})`);
  }
}

export class UnavailableError extends StorageError {
  constructor(message: string) {
    super('Unavailable', message);
  }
}

export class TooLargeError extends StorageError {
  constructor(key: string, size: number, limit: number) {
    super('TooLarge', `value of ${size} bytes for ${key} exceeds the limit of ${limit} bytes`, key);
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
