/** Pod failure backoff: the delay sequence, the remaining wait, and how successes reset it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  backoffDelay,
  NO_BACKOFF,
  nextBackoffRecord,
  DEFAULT_POD_FAILURE_BACKOFF as P,
  remainingBackoff,
} from './backoff.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function finished(phase: 'Succeeded' | 'Failed', atSec: number): Pod {
  return {
    metadata: { name: `p${atSec}`, creationTimestamp: new Date(T0).toISOString() },
    status: {
      phase,
      containerStatuses: [
        {
          name: 'c',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: iso(atSec) } },
        },
      ],
    },
  };
}

function iso(sec: number): string {
  return new Date(T0 + sec * 1000).toISOString();
}

describe('pod failure backoff', () => {
  it('starts at 10 s and doubles up to six minutes', () => {
    const seq = [0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelay(n, P) / 1000);
    assert.deepEqual(seq, [0, 10, 20, 40, 80, 160, 320, 360, 360, 360]);
  });

  it('counts the wait from the last failure', () => {
    const rec = nextBackoffRecord(NO_BACKOFF, [], [finished('Failed', 5), finished('Failed', 2)]);
    assert.deepEqual(rec, { failuresAfterLastSuccess: 2, lastFailureAt: T0 + 5000 });
    assert.equal(remainingBackoff(rec, T0 + 5000, P), 20_000);
    assert.equal(remainingBackoff(rec, T0 + 15_000, P), 10_000);
    assert.equal(remainingBackoff(rec, T0 + 60_000, P), 0);
    assert.equal(remainingBackoff(NO_BACKOFF, T0, P), 0);
  });

  it('adds failures to the previous record until a success', () => {
    let rec = nextBackoffRecord(NO_BACKOFF, [], [finished('Failed', 1)]);
    rec = nextBackoffRecord(rec, [], [finished('Failed', 30)]);
    assert.deepEqual(rec, { failuresAfterLastSuccess: 2, lastFailureAt: T0 + 30_000 });
    assert.equal(nextBackoffRecord(rec, [], []), rec);
  });

  it('a success resets the count to the failures after it', () => {
    const prev = { failuresAfterLastSuccess: 4, lastFailureAt: T0 };
    assert.deepEqual(nextBackoffRecord(prev, [finished('Succeeded', 10)], []), NO_BACKOFF);
    const rec = nextBackoffRecord(
      prev,
      [finished('Succeeded', 10)],
      [finished('Failed', 5), finished('Failed', 12), finished('Failed', 15)],
    );
    assert.deepEqual(rec, { failuresAfterLastSuccess: 2, lastFailureAt: T0 + 15_000 });
  });

  it('takes the finish time from readiness, then deletion, then creation', () => {
    const notReady: Pod = {
      metadata: { creationTimestamp: iso(0) },
      status: {
        phase: 'Failed',
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: iso(7) }],
      },
    };
    const deleted: Pod = {
      metadata: { creationTimestamp: iso(0), deletionTimestamp: iso(40), deletionGracePeriodSeconds: 30 },
      status: { phase: 'Running' },
    };
    const bare: Pod = { metadata: { creationTimestamp: iso(3) }, status: { phase: 'Failed' } };
    assert.equal(nextBackoffRecord(NO_BACKOFF, [], [notReady]).lastFailureAt, T0 + 7000);
    assert.equal(nextBackoffRecord(NO_BACKOFF, [], [deleted]).lastFailureAt, T0 + 10_000);
    assert.equal(nextBackoffRecord(NO_BACKOFF, [], [bare]).lastFailureAt, T0 + 3000);
  });
});
