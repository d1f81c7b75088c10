/**
 * Text forms of the special values whose JSON differs from their protobuf message: timestamps
 * (metav1.Time, MicroTime) and durations (metav1.Duration, printed the way Go prints a
 * time.Duration). Pure formatting; out-of-range input is a `malformed` error.
 */
import { malformed } from './errors.js';

const NANOS_PER_SECOND = 1_000_000_000n;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years RFC 3339 can write. */
const MIN_SECONDS = -62_167_219_200n;
const MAX_SECONDS = 253_402_300_799n;

/**
 * RFC 3339 in UTC: `2026-01-02T03:04:05Z` (Time, whole seconds) or with six fractional digits
 * (MicroTime). Nanoseconds outside 0..1e9 carry into the seconds, as Go's time.Unix does.
 */
export function formatTimestamp(seconds: bigint, nanos: bigint, micro: boolean): string {
  const total = seconds * NANOS_PER_SECOND + nanos;
  let secs = total / NANOS_PER_SECOND;
  let rest = total % NANOS_PER_SECOND;
  if (rest < 0n) {
    secs -= 1n;
    rest += NANOS_PER_SECOND;
  }
  if (secs < MIN_SECONDS || secs > MAX_SECONDS) throw malformed(`timestamp ${seconds}s is out of range`);
  const iso = new Date(Number(secs) * 1000).toISOString();
  const whole = iso.slice(0, 19);
  if (!micro) return `${whole}Z`;
  return `${whole}.${(rest / 1000n).toString().padStart(6, '0')}Z`;
}

/** `v` split at 10^digits: the fraction as ".5" (trailing zeros trimmed, '' if none) and the rest. */
function fraction(v: bigint, digits: number): [string, bigint] {
  const scale = 10n ** BigInt(digits);
  const text = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return [text === '' ? '' : `.${text}`, v / scale];
}

/** Go's time.Duration text: "0s", "500ns", "1.5µs", "2ms", "1m30s", "1h0m0s", "-3s". */
export function formatDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  if (u < NANOS_PER_SECOND) {
    const [digits, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [frac, whole] = fraction(u, digits);
    return `${sign}${whole}${frac}${unit}`;
  }
  const [frac, secs] = fraction(u, 9);
  const s = `${secs % 60n}${frac}s`;
  const minutes = secs / 60n;
  if (minutes === 0n) return `${sign}${s}`;
  const m = `${minutes % 60n}m${s}`;
  const hours = minutes / 60n;
  return hours === 0n ? `${sign}${m}` : `${sign}${hours}h${m}`;
}
