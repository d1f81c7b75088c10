/**
 * When a CronJob should have run and when to look again, as upstream decides: the most
 * recent activation since the last scheduled time (or the CronJob's creation), optionally
 * not earlier than startingDeadlineSeconds ago; how many were missed (more than 100 is
 * "many", which upstream warns about); and the delay until the next activation, plus
 * 100 ms of slack for clock skew. Instants are milliseconds. Pure.
 */
import type { Schedule } from '../../api/cron/cron.js';
import { nextActivation } from './next.js';

/** Requeue slack after the next activation. */
const NEXT_SCHEDULE_DELTA_MS = 100;

export type Missed = 'none' | 'few' | 'many';

export interface ScheduleInput {
  schedule: Schedule;
  /** Zone of the schedule unless it carries its own CRON_TZ=. */
  zone: string;
  /** status.lastScheduleTime, else metadata.creationTimestamp. */
  earliest: number;
  startingDeadlineSeconds?: number | null;
}

export interface Recent {
  earliest: number;
  mostRecent: number | undefined;
  missed: Missed;
  error?: string;
}

export function mostRecentScheduleTime(inp: ScheduleInput, now: number, includeDeadline: boolean): Recent {
  const next = (t: number) => nextActivation(inp.schedule, t, inp.zone);
  let earliest = inp.earliest;
  const sds = inp.startingDeadlineSeconds;
  if (includeDeadline && sds !== undefined && sds !== null) {
    earliest = Math.max(earliest, now - sds * 1000);
  }
  const invalid: Recent = {
    earliest,
    mostRecent: undefined,
    missed: 'none',
    error: 'time difference between two schedules is less than 1 second',
  };
  const t1 = next(earliest);
  if (t1 === undefined) return invalid;
  if (now < t1) return { earliest, mostRecent: undefined, missed: 'none' };
  const t2 = next(t1);
  if (t2 === undefined) return invalid;
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return invalid;
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Jump close to now, one interval back, and step to the last activation not after now.
  let mostRecent: number | undefined;
  for (let t = next(t1 + (missedCount - 2) * between * 1000); t !== undefined && t <= now; t = next(t)) {
    mostRecent = t;
  }
  return { earliest, mostRecent, missed: missedCount > 100 ? 'many' : 'few' };
}

/** Delay from `now` until just after the next activation; undefined if there is none. */
export function nextScheduleDelay(inp: ScheduleInput, now: number): number | undefined {
  const r = mostRecentScheduleTime(inp, now, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent === undefined) from = r.missed === 'none' ? r.earliest : now;
  else from = r.mostRecent;
  const t = nextActivation(inp.schedule, from, inp.zone);
  return t === undefined ? undefined : t + NEXT_SCHEDULE_DELTA_MS - now;
}

/** The activation to start now, if any (within the starting deadline). */
export function dueScheduleTime(
  inp: ScheduleInput,
  now: number,
): { time?: number; missed: Missed; error?: string } {
  const r = mostRecentScheduleTime(inp, now, true);
  if (r.mostRecent === undefined || r.mostRecent > now) {
    return r.error ? { missed: r.missed, error: r.error } : { missed: r.missed };
  }
  return { time: r.mostRecent, missed: r.missed };
}
