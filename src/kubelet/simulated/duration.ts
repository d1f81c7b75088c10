/**
 * Go-style durations, as Kubernetes flags and messages write them: parsing ("1m30s",
 * "500ms", "2h", "1.5s") to milliseconds, and formatting milliseconds the way Go's
 * time.Duration.String does ("10s", "1m20s", "5m0s", "100ms"). Pure.
 */

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds in `text` ("0" alone is allowed); throws an Error naming the bad input. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos !== s.length || s === '')
    throw new Error(`invalid duration "${text}" (want e.g. 500ms, 3s, 1m30s)`);
  return total;
}

/** Go's Duration.String for a whole number of milliseconds. */
export function formatDuration(ms: number): string {
  const n = Math.max(0, Math.round(ms));
  if (n === 0) return '0s';
  if (n < 1000) return `${n}ms`;
  const h = Math.floor(n / 3_600_000);
  const m = Math.floor((n % 3_600_000) / 60_000);
  const rest = n % 60_000;
  const sec = rest % 1000 === 0 ? String(rest / 1000) : (rest / 1000).toFixed(3).replace(/0+$/, '');
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}
