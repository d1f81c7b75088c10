/**
 * The next activation of a cron schedule after an instant, computed as the cron library
 * Kubernetes uses computes it, field by field in the schedule's zone: months and days
 * advance by wall-clock date, hours and minutes by elapsed time. So across DST changes a
 * time the clock skips does not fire that day, and a time it repeats can fire twice.
 * Gives up (undefined) past five years from the start. Pure.
 */
import type { Schedule, SpecSchedule } from '../../api/cron/cron.js';
import { fromWall, type WallTime, wallTime } from '../../api/cron/zone.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function dayMatches(s: SpecSchedule, w: WallTime): boolean {
  const dom = s.dom[w.day] === true;
  const dow = s.dow[w.weekday] === true;
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/** The first activation strictly after `after` (ms), in `zone` unless the schedule names one. */
export function nextActivation(s: Schedule, after: number, zone: string): number | undefined {
  if (s.kind === 'every') return Math.floor(after / SECOND) * SECOND + s.seconds * SECOND;
  const tz = s.timeZone ?? zone;
  // Start at the next whole second.
  let t = Math.floor(after / SECOND) * SECOND + SECOND;
  let added = false;
  const yearLimit = wallTime(tz, t).year + 5;
  wrap: for (;;) {
    let w = wallTime(tz, t);
    if (w.year > yearLimit) return undefined;
    while (!s.month[w.month]) {
      if (!added) {
        added = true;
        t = fromWall(tz, w.year, w.month, 1);
        w = wallTime(tz, t);
      }
      t = fromWall(tz, w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
      w = wallTime(tz, t);
      if (w.month === 1) continue wrap;
    }
    while (!dayMatches(s, w)) {
      if (!added) {
        added = true;
        t = fromWall(tz, w.year, w.month, w.day);
        w = wallTime(tz, t);
      }
      t = fromWall(tz, w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
      w = wallTime(tz, t);
      // Back to midnight if a DST change moved the hour.
      if (w.hour !== 0) {
        t += w.hour > 12 ? (24 - w.hour) * HOUR : -w.hour * HOUR;
        w = wallTime(tz, t);
      }
      if (w.day === 1) continue wrap;
    }
    while (!s.hour[w.hour]) {
      if (!added) {
        added = true;
        t = fromWall(tz, w.year, w.month, w.day, w.hour);
      }
      t += HOUR;
      w = wallTime(tz, t);
      if (w.hour === 0) continue wrap;
    }
    while (!s.minute[w.minute]) {
      if (!added) {
        added = true;
        t = Math.floor(t / MINUTE) * MINUTE;
      }
      t += MINUTE;
      w = wallTime(tz, t);
      if (w.minute === 0) continue wrap;
    }
    if (w.second !== 0) {
      // Seconds are always 0: skip to the next minute and check every field again.
      added = true;
      t = Math.floor(t / MINUTE) * MINUTE + MINUTE;
      continue;
    }
    return t;
  }
}
