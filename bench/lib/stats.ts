/** Benchmark helpers: a closed-loop load runner and percentile summaries. Prints nothing itself. */

export interface LoadResult {
  ops: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
}

/** Runs `total` operations with `concurrency` in flight; `op(i)` performs operation i. */
export async function runLoad(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latenciesMs: number[] = new Array(total);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const s = performance.now();
        await op(i);
        latenciesMs[i] = performance.now() - s;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { ops: total, seconds, perSecond: total / seconds, latenciesMs };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function summary(latenciesMs: number[]): string {
  return `p50 ${fmt(percentile(latenciesMs, 50), 2)} ms, p99 ${fmt(percentile(latenciesMs, 99), 2)} ms`;
}
