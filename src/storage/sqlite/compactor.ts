/**
 * Automatic compaction for the SQLite store: keeps a window of history (by time, and at
 * least a number of revisions) and compacts everything older, so the revision log stays
 * bounded under churn such as node lease renewals.
 */

export interface CompactionPolicy {
  /** How often to compact. */
  intervalMs: number;
  /** History younger than this is kept. */
  retainMs: number;
  /** At least this many of the newest revisions are kept. */
  retainRevisions: number;
}

export interface Compactable {
  currentRevision(): Promise<number>;
  compactRevision(): Promise<number>;
  compact(revision: number): Promise<void>;
}

export const DEFAULT_COMPACTION: CompactionPolicy = {
  intervalMs: 60_000,
  retainMs: 5 * 60_000,
  retainRevisions: 1000,
};

export class AutoCompactor {
  private readonly policy: CompactionPolicy;
  /** (time, revision) samples, oldest first, one per tick. */
  private samples: { at: number; rev: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: Compactable,
    policy: Partial<CompactionPolicy>,
    private readonly now: () => number,
  ) {
    this.policy = { ...DEFAULT_COMPACTION, ...policy };
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.policy.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: record where the store is and compact what fell out of the window. */
  async tick(): Promise<number | undefined> {
    if (this.running) return undefined;
    this.running = true;
    try {
      const now = this.now();
      const rev = await this.store.currentRevision();
      this.samples.push({ at: now, rev });
      // The newest sample at least retainMs old marks the window's start.
      let cut = -1;
      for (let i = 0; i < this.samples.length; i++)
        if (now - this.samples[i]!.at >= this.policy.retainMs) cut = i;
      if (cut < 0) return undefined;
      const byTime = this.samples[cut]!.rev;
      this.samples = this.samples.slice(cut);
      const target = Math.min(byTime, rev - this.policy.retainRevisions);
      if (target <= (await this.store.compactRevision())) return undefined;
      await this.store.compact(target);
      return target;
    } finally {
      this.running = false;
    }
  }
}
