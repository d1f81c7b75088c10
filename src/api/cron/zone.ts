/**
 * Wall-clock time in an IANA time zone, with the platform's Intl data: the fields of an
 * instant in a zone, and the instant of a wall-clock time. Times that a DST change skips
 * or repeats resolve as Go's time.Date resolves them (the offset in force at the wall time
 * read as UTC, corrected once), since the schedule arithmetic mirrors Go's. Instants are
 * milliseconds. Pure.
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Whether `zone` names a time zone the platform knows. */
export function isValidZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone of this process (Go's time.Local), UTC when the platform cannot tell. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function isUtc(zone: string): boolean {
  return zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT' || zone === 'GMT';
}

/** The zone's offset from UTC at `ms`, in milliseconds (east positive). */
export function offsetAt(zone: string, ms: number): number {
  if (isUtc(zone)) return 0;
  const secs = Math.floor(ms / 1000) * 1000;
  const parts = format(zone).formatToParts(new Date(secs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const asUtc = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  // Date.UTC treats years 0-99 as 1900-1999; no schedule reaches them.
  return asUtc - secs;
}

export function wallTime(zone: string, ms: number): WallTime {
  const d = new Date(ms + offsetAt(zone, ms));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * The instant of a wall-clock time in `zone`; out-of-range fields roll over (month 13 is
 * January of the next year, day 0 the last of the previous month).
 */
export function fromWall(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = offsetAt(zone, wall);
  if (guess === 0 && isUtc(zone)) return wall;
  const utc = wall - guess;
  const actual = offsetAt(zone, utc);
  return actual === guess ? utc : wall - actual;
}

/** RFC 3339 of `ms` in `zone`, with its offset (`Z` for UTC), to the second. */
export function rfc3339In(zone: string, ms: number): string {
  const off = offsetAt(zone, ms);
  const w = new Date(Math.floor(ms / 1000) * 1000 + off).toISOString().slice(0, 19);
  if (off === 0) return `${w}Z`;
  const mins = Math.round(Math.abs(off) / 60_000);
  const hh = String(Math.floor(mins / 60)).padStart(2, '0');
  const mm = String(mins % 60).padStart(2, '0');
  return `${w}${off < 0 ? '-' : '+'}${hh}:${mm}`;
}
