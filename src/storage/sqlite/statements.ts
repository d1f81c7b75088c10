/**
 * Prepared statements of the SQLite store, compiled once per database. Row shapes are
 * declared here so the store reads typed rows.
 */
import type Database from 'better-sqlite3';

export interface LiveRow {
  key: string;
  rev: number;
  create_rev: number;
  value: Buffer;
}

export interface LogRow {
  rev: number;
  key: string;
  kind: number;
  create_rev: number;
  value: Buffer | null;
  p_rev: number | null;
  p_create_rev: number | null;
  p_value: Buffer | null;
}

export function prepare(db: Database.Database) {
  return {
    getLive: db.prepare<[string], LiveRow>(
      'SELECT kv.key, kv.rev, kv.create_rev, l.value FROM kv JOIN log l ON l.rev = kv.rev WHERE kv.key = ?',
    ),
    getAt: db.prepare<[string, number], LiveRow & { kind: number }>(
      'SELECT key, rev, create_rev, kind, value FROM log WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1',
    ),
    listLive: db.prepare<[string, string, number], LiveRow>(
      `SELECT kv.key, kv.rev, kv.create_rev, l.value FROM kv JOIN log l ON l.rev = kv.rev
       WHERE kv.key >= ? AND kv.key < ? ORDER BY kv.key LIMIT ?`,
    ),
    countLive: db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM kv WHERE key >= ? AND key < ?',
    ),
    listAt: db.prepare<[string, string, number, number], LiveRow>(
      `SELECT l.key, l.rev, l.create_rev, l.value FROM log l
       WHERE l.rev IN (SELECT max(rev) FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key)
         AND l.kind != 2 ORDER BY l.key LIMIT ?`,
    ),
    countAt: db.prepare<[string, string, number], { n: number }>(
      `SELECT count(*) AS n FROM log l
       WHERE l.rev IN (SELECT max(rev) FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key)
         AND l.kind != 2`,
    ),
    // `+l.key` keeps the planner on the revision order instead of the key index.
    history: db.prepare<[number, number, string, string, number], LogRow>(
      `SELECT l.rev, l.key, l.kind, l.create_rev, l.value,
              p.rev AS p_rev, p.create_rev AS p_create_rev, p.value AS p_value
       FROM log l LEFT JOIN log p ON p.rev = l.prev_rev
       WHERE l.rev > ? AND l.rev <= ? AND +l.key >= ? AND +l.key < ? ORDER BY l.rev LIMIT ?`,
    ),
    insertLog: db.prepare<[number, string, number, number, number, Buffer | null]>(
      'INSERT INTO log (rev, key, kind, create_rev, prev_rev, value) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    upsertLive: db.prepare<[string, number, number, number | null]>(
      `INSERT INTO kv (key, rev, create_rev, expires) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET rev = excluded.rev, create_rev = excluded.create_rev, expires = excluded.expires`,
    ),
    deleteLive: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
    expired: db.prepare<[number, number], { key: string; rev: number }>(
      'SELECT key, rev FROM kv WHERE expires IS NOT NULL AND expires <= ? ORDER BY expires LIMIT ?',
    ),
    getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare<[string, number]>('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)'),
    maxRev: db.prepare<[], { rev: number | null }>('SELECT max(rev) AS rev FROM log'),
    compactSuperseded: db.prepare<[number, number]>(
      'DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ? AND rev <= ? AND prev_rev > 0)',
    ),
    compactTombstones: db.prepare<[number, number]>(
      'DELETE FROM log WHERE rev > ? AND rev <= ? AND kind = 2',
    ),
    countLog: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM log'),
  };
}

export type Statements = ReturnType<typeof prepare>;
