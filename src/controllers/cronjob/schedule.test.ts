/** Missed schedules, starting deadlines and the requeue delay of a CronJob. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSchedule } from '../../api/cron/cron.js';
import {
  dueScheduleTime,
  mostRecentScheduleTime,
  nextScheduleDelay,
  type ScheduleInput,
} from './schedule.js';

const at = (iso: string) => Date.parse(iso);

function input(spec: string, earliest: string, startingDeadlineSeconds?: number): ScheduleInput {
  return { schedule: parseSchedule(spec), zone: 'UTC', earliest: at(earliest), startingDeadlineSeconds };
}

describe('cronjob schedule times', () => {
  const everyMinute = input('* * * * *', '2024-05-08T10:00:30Z');

  it('has nothing due before the first activation, and requeues just after it', () => {
    const now = at('2024-05-08T10:00:45Z');
    assert.deepEqual(dueScheduleTime(everyMinute, now), { missed: 'none' });
    assert.equal(nextScheduleDelay(everyMinute, now), 15_100);
  });

  it('finds the activation that is due, and counts missed ones', () => {
    assert.deepEqual(dueScheduleTime(everyMinute, at('2024-05-08T10:01:10Z')), {
      time: at('2024-05-08T10:01:00Z'),
      missed: 'none',
    });
    assert.deepEqual(dueScheduleTime(everyMinute, at('2024-05-08T10:05:10Z')), {
      time: at('2024-05-08T10:05:00Z'),
      missed: 'few',
    });
    const long = mostRecentScheduleTime(everyMinute, at('2024-05-08T13:00:10Z'), true);
    assert.equal(long.missed, 'many');
    assert.equal(long.mostRecent, at('2024-05-08T13:00:00Z'));
  });

  it('requeues from the last activation, or from now when some were missed', () => {
    assert.equal(nextScheduleDelay(everyMinute, at('2024-05-08T10:05:10Z')), 50_100);
    const hourly = input('0 * * * *', '2024-05-08T10:00:00Z');
    assert.equal(nextScheduleDelay(hourly, at('2024-05-08T10:59:59Z')), 1_100);
  });

  it('ignores activations older than startingDeadlineSeconds', () => {
    const withDeadline = input('*/5 * * * *', '2024-05-08T10:00:00Z', 30);
    assert.deepEqual(dueScheduleTime(withDeadline, at('2024-05-08T10:05:40Z')), { missed: 'none' });
    assert.deepEqual(dueScheduleTime(withDeadline, at('2024-05-08T10:05:20Z')), {
      time: at('2024-05-08T10:05:00Z'),
      missed: 'none',
    });
    // Without the deadline the same activation is still due, late.
    assert.equal(
      dueScheduleTime(input('*/5 * * * *', '2024-05-08T10:00:00Z'), at('2024-05-08T10:05:40Z')).time,
      at('2024-05-08T10:05:00Z'),
    );
  });

  it('reports schedules that never fire', () => {
    const never = input('0 0 31 2 *', '2024-05-08T10:00:00Z');
    assert.equal(
      dueScheduleTime(never, at('2024-05-09T10:00:00Z')).error,
      'time difference between two schedules is less than 1 second',
    );
    assert.equal(nextScheduleDelay(never, at('2024-05-09T10:00:00Z')), undefined);
  });
});
