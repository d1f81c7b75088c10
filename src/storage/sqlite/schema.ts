/**
 * The SQLite schema: an append-only revision log (one row per write) plus an index of the
 * live keys. Only the SQLite store opens the database; nothing else may touch it.
 */
import type Database from 'better-sqlite3';

export const KIND_CREATE = 0;
export const KIND_UPDATE = 1;
export const KIND_DELETE = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  rev        INTEGER PRIMARY KEY,
  key        TEXT    NOT NULL,
  kind       INTEGER NOT NULL,  -- 0 create, 1 update, 2 delete
  create_rev INTEGER NOT NULL,
  prev_rev   INTEGER NOT NULL,  -- the key's previous row, 0 for a create
  value      BLOB
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
CREATE TABLE IF NOT EXISTS kv (
  key        TEXT PRIMARY KEY,
  rev        INTEGER NOT NULL,
  create_rev INTEGER NOT NULL,
  expires    INTEGER            -- epoch milliseconds, for keys written with a TTL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires) WHERE expires IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export function openSchema(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL: the commit itself does not fsync the WAL; the store does, off the main thread,
  // and acknowledges a write only after that sync, so an acknowledged write survives a crash
  // or a power loss (checkpoints still sync the WAL before copying it into the database).
  db.pragma('synchronous = NORMAL');
  // One process owns the database; a second server on the same data dir fails fast.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('busy_timeout = 0');
  db.pragma('cache_size = -65536');
  db.exec(SCHEMA);
}
