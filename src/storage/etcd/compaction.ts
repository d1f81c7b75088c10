/**
 * What an etcd store knows of etcd's compaction point, and compaction itself. etcd 3.4
 * reports the point through no API, so it is tracked from this store's own compactions,
 * from "compacted" answers (reads, watches), and found exactly with a few cheap probes
 * (probe.ts) when asked. Other API servers may compact the same cluster at any time: the
 * number kept here is a lower bound, never a promise.
 */
import type { EtcdConnection } from './connection.js';
import { isCompacted } from './errors.js';
import { findCompactRevision } from './probe.js';
import { readRevision, request } from './request.js';

export class CompactionTracker {
  private known: number;

  constructor(
    private readonly conn: EtcdConnection,
    private readonly probeKey: Buffer,
    initial: number,
  ) {
    this.known = initial;
  }

  /** Finds the compaction point at open (0 if etcd was never compacted). */
  static async open(conn: EtcdConnection, probeKey: Buffer, current: number): Promise<CompactionTracker> {
    return new CompactionTracker(conn, probeKey, await findCompactRevision(conn, probeKey, 0, current));
  }

  /** The compaction point as last seen (no I/O). */
  get revision(): number {
    return this.known;
  }

  /** Records a compaction point seen in an answer from etcd. */
  saw(revision: number): void {
    if (revision > this.known) this.known = revision;
  }

  /**
   * Refreshes the point, knowing that a read at `refused` was refused as compacted (0: no
   * such knowledge). Best effort: on failure, keeps what is known.
   */
  async learn(refused = 0): Promise<number> {
    if (refused > 0) this.saw(refused + 1);
    try {
      const current = await readRevision(this.conn, this.probeKey);
      this.saw(await findCompactRevision(this.conn, this.probeKey, this.known, current));
    } catch {
      // keep what is known
    }
    return this.known;
  }

  /** Compacts etcd's history before `revision` (clamped to the current revision). */
  async compact(revision: number): Promise<void> {
    const target = Math.min(revision, await readRevision(this.conn, this.probeKey));
    if (target <= this.known) return;
    try {
      await request(
        this.conn,
        'compact',
        (o) => this.conn.kv.compact({ revision: target, physical: false }, o),
        { passCompacted: true },
      );
    } catch (err) {
      // Compacted further already (by another server): that is all this call asked for.
      if (!isCompacted(err)) throw err;
      await this.learn(target - 1);
      return;
    }
    this.saw(target);
  }
}
