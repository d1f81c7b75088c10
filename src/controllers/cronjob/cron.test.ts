/** Cron parsing and next-activation computation, in UTC and across DST changes in named zones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronError, parseSchedule } from '../../api/cron/cron.js';
import { fromWall, isValidZone, rfc3339In, wallTime } from '../../api/cron/zone.js';
import { nextActivation } from './next.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function next(spec: string, after: string, zone = 'UTC'): string | undefined {
  return iso(nextActivation(parseSchedule(spec, isValidZone), at(after), zone));
}

/** Successive activations after `after`. */
function series(spec: string, after: string, n: number, zone = 'UTC'): string[] {
  const s = parseSchedule(spec, isValidZone);
  const out: string[] = [];
  let t = at(after);
  for (let i = 0; i < n; i++) {
    t = nextActivation(s, t, zone)!;
    out.push(new Date(t).toISOString());
  }
  return out;
}

function fails(spec: string, message: string): void {
  assert.throws(
    () => parseSchedule(spec, isValidZone),
    (err: unknown) => err instanceof CronError && err.message === message,
    spec,
  );
}

describe('cron parsing', () => {
  it('parses steps, ranges, lists and names', () => {
    const s = parseSchedule('*/15 9-17/4 1,15 JAN,jul-Sep mon-fri');
    assert.equal(s.kind, 'spec');
    if (s.kind !== 'spec') return;
    const on = (f: readonly boolean[]) => f.flatMap((v, i) => (v ? [i] : []));
    assert.deepEqual(on(s.minute), [0, 15, 30, 45]);
    assert.deepEqual(on(s.hour), [9, 13, 17]);
    assert.deepEqual(on(s.dom), [1, 15]);
    assert.deepEqual(on(s.month), [1, 7, 8, 9]);
    assert.deepEqual(on(s.dow), [1, 2, 3, 4, 5]);
    assert.equal(s.domStar, false);
    assert.equal(s.dowStar, false);
    // "n/step" runs from n to the field's maximum; "*/1" is still a star, "*/2" is not.
    const t = parseSchedule('5/20 * ? * */2');
    if (t.kind !== 'spec') return;
    assert.deepEqual(on(t.minute), [5, 25, 45]);
    assert.equal(t.domStar, true);
    assert.equal(t.dowStar, false);
    assert.deepEqual(on(t.dow), [0, 2, 4, 6]);
  });

  it('refuses bad specs with the parser messages', () => {
    fails('', 'empty spec string');
    fails('* * * *', 'expected exactly 5 fields, found 4: [* * * *]');
    fails('* * * * * *', 'expected exactly 5 fields, found 6: [* * * * * *]');
    fails('60 * * * *', 'end of range (60) above maximum (59): 60');
    fails('* * 0 * *', 'beginning of range (0) below minimum (1): 0');
    fails('* * * * 7', 'end of range (7) above maximum (6): 7');
    fails('5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1');
    fails('*/0 * * * *', 'step of range should be a positive number: */0');
    fails('1-2-3 * * * *', 'too many hyphens: 1-2-3');
    fails('*/2/3 * * * *', 'too many slashes: */2/3');
    fails('x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    fails('@fortnightly', 'unrecognized descriptor: @fortnightly');
    fails('TZ=Mars/Base * * * * *', 'provided bad location Mars/Base: unknown time zone Mars/Base');
  });

  it('accepts descriptors and a CRON_TZ=/TZ= prefix', () => {
    assert.equal(next('@yearly', '2024-05-05T00:00:00Z'), '2025-01-01T00:00:00.000Z');
    assert.equal(next('@annually', '2024-05-05T00:00:00Z'), '2025-01-01T00:00:00.000Z');
    assert.equal(next('@monthly', '2024-05-05T00:00:00Z'), '2024-06-01T00:00:00.000Z');
    assert.equal(next('@weekly', '2024-05-08T12:00:00Z'), '2024-05-12T00:00:00.000Z');
    assert.equal(next('@daily', '2024-05-08T12:00:00Z'), '2024-05-09T00:00:00.000Z');
    assert.equal(next('@midnight', '2024-05-08T12:00:00Z'), '2024-05-09T00:00:00.000Z');
    assert.equal(next('@hourly', '2024-05-08T12:00:00Z'), '2024-05-08T13:00:00.000Z');
    assert.equal(next('@every 1h30m', '2024-05-08T12:00:10.500Z'), '2024-05-08T13:30:10.000Z');
    const tz = parseSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *', isValidZone);
    assert.equal(tz.timeZone, 'Asia/Tokyo');
    assert.equal(next('CRON_TZ=Asia/Tokyo 0 9 * * *', '2024-05-08T12:00:00Z'), '2024-05-09T00:00:00.000Z');
    assert.equal(next('TZ=Asia/Tokyo @daily', '2024-05-08T12:00:00Z'), '2024-05-08T15:00:00.000Z');
  });
});

describe('next activation', () => {
  it('steps through minutes, hours, weekdays and months in UTC', () => {
    assert.equal(next('*/15 * * * *', '2024-05-08T10:07:30Z'), '2024-05-08T10:15:00.000Z');
    assert.equal(next('* * * * *', '2024-05-08T10:07:00Z'), '2024-05-08T10:08:00.000Z', 'strictly after');
    assert.equal(next('0 9 * * 1-5', '2024-05-03T10:00:00Z'), '2024-05-06T09:00:00.000Z');
    assert.equal(next('30 2 1 * *', '2024-01-31T00:00:00Z'), '2024-02-01T02:30:00.000Z');
    assert.equal(next('0 0 1 1 *', '2024-12-31T23:59:59Z'), '2025-01-01T00:00:00.000Z');
    assert.deepEqual(series('0 12 * FEB,jun *', '2024-02-28T13:00:00Z', 3), [
      '2024-02-29T12:00:00.000Z',
      '2024-06-01T12:00:00.000Z',
      '2024-06-02T12:00:00.000Z',
    ]);
  });

  it('matches day of month OR day of week when both are restricted, AND when one is *', () => {
    // The 13th or any Friday.
    assert.equal(next('0 0 13 * 5', '2024-09-01T00:00:00Z'), '2024-09-06T00:00:00.000Z');
    assert.equal(next('0 0 13 * 5', '2024-09-06T00:00:00Z'), '2024-09-13T00:00:00.000Z');
    // Every Friday (day of month *).
    assert.equal(next('0 0 * * 5', '2024-09-06T00:00:00Z'), '2024-09-13T00:00:00.000Z');
  });

  it('finds rare dates and gives up on impossible ones', () => {
    assert.equal(next('0 0 29 2 *', '2024-03-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
    assert.equal(next('0 0 31 2 *', '2024-03-01T00:00:00Z'), undefined);
  });

  it('uses the given zone for wall-clock fields', () => {
    assert.equal(next('0 9 * * *', '2024-05-08T12:00:00Z', 'Asia/Kolkata'), '2024-05-09T03:30:00.000Z');
    assert.equal(next('0 9 * * *', '2024-01-15T12:00:00Z', 'America/New_York'), '2024-01-15T14:00:00.000Z');
    assert.equal(next('0 9 * * *', '2024-07-15T12:00:00Z', 'America/New_York'), '2024-07-15T13:00:00.000Z');
  });

  it('skips a time the spring-forward change removes, and keeps later ones on the wall clock', () => {
    // New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT. 02:30 does not exist that day.
    assert.deepEqual(series('30 2 * * *', '2024-03-09T08:00:00Z', 2, 'America/New_York'), [
      '2024-03-11T06:30:00.000Z',
      '2024-03-12T06:30:00.000Z',
    ]);
    assert.deepEqual(series('0 3 * * *', '2024-03-09T09:00:00Z', 2, 'America/New_York'), [
      '2024-03-10T07:00:00.000Z',
      '2024-03-11T07:00:00.000Z',
    ]);
    // Berlin, 2024-03-31: midnight still at local midnight on both sides.
    assert.deepEqual(series('0 0 * * *', '2024-03-30T23:30:00Z', 2, 'Europe/Berlin'), [
      '2024-03-31T22:00:00.000Z',
      '2024-04-01T22:00:00.000Z',
    ]);
  });

  it('fires twice in the hour the fall-back change repeats', () => {
    // New York, 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    assert.deepEqual(series('30 1 * * *', '2024-11-03T04:00:00Z', 3, 'America/New_York'), [
      '2024-11-03T05:30:00.000Z',
      '2024-11-03T06:30:00.000Z',
      '2024-11-04T06:30:00.000Z',
    ]);
  });

  it('does the zone arithmetic as Go does', () => {
    assert.equal(rfc3339In('UTC', at('2024-05-08T10:00:00.700Z')), '2024-05-08T10:00:00Z');
    assert.equal(rfc3339In('Europe/Berlin', at('2024-05-08T10:00:00Z')), '2024-05-08T12:00:00+02:00');
    assert.equal(rfc3339In('America/St_Johns', at('2024-01-08T10:00:00Z')), '2024-01-08T06:30:00-03:30');
    assert.deepEqual(wallTime('Asia/Tokyo', at('2024-12-31T15:00:00Z')), {
      year: 2025,
      month: 1,
      day: 1,
      hour: 0,
      minute: 0,
      second: 0,
      weekday: 3,
    });
    // A skipped wall time in New York resolves with the later offset (to 01:30 EST), as Go's time.Date.
    assert.equal(iso(fromWall('America/New_York', 2024, 3, 10, 2, 30)), '2024-03-10T06:30:00.000Z');
    // Rolling over: month 13 is January.
    assert.equal(iso(fromWall('UTC', 2024, 13, 1)), '2025-01-01T00:00:00.000Z');
    assert.equal(isValidZone('Europe/Paris'), true);
    assert.equal(isValidZone('Nowhere/Land'), false);
  });
});
