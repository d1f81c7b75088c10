/** PodDisruptionBudget arithmetic. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import {
  countHealthy,
  expectedAndDesired,
  failSafeStatus,
  inFlight,
  needsScale,
  nextStatus,
  scaledValue,
} from './budget.js';

const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>): KObject => ({
  metadata: { name: 'b', namespace: 'ns', generation: 2 },
  spec,
  ...(status ? { status } : {}),
});

const pod = (name: string, ready: boolean, extra: Record<string, unknown> = {}): KObject => ({
  metadata: { name, ...extra },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('disruption budgets', () => {
  it('scales percentages, rounding up', () => {
    assert.equal(scaledValue(2, 10, true), 2);
    assert.equal(scaledValue('50%', 3, true), 2);
    assert.equal(scaledValue('50%', 3, false), 1);
    assert.throws(() => scaledValue('5', 3, true), /not a percentage/);
  });

  it('derives expected and desired pods from minAvailable and maxUnavailable', () => {
    assert.deepEqual(expectedAndDesired(pdb({ minAvailable: 2 }), 3, 99), { expected: 3, desired: 2 });
    assert.deepEqual(expectedAndDesired(pdb({ minAvailable: '50%' }), 3, 4), { expected: 4, desired: 2 });
    assert.deepEqual(expectedAndDesired(pdb({ maxUnavailable: 1 }), 3, 5), { expected: 5, desired: 4 });
    assert.deepEqual(expectedAndDesired(pdb({ maxUnavailable: '30%' }), 3, 5), { expected: 5, desired: 3 });
    assert.deepEqual(expectedAndDesired(pdb({ maxUnavailable: 9 }), 3, 5), { expected: 5, desired: 0 });
    assert.ok(!needsScale(pdb({ minAvailable: 2 })));
    assert.ok(needsScale(pdb({ minAvailable: '50%' })));
    assert.ok(needsScale(pdb({ maxUnavailable: 1 })));
  });

  it('counts ready pods that are neither being deleted nor just evicted', () => {
    const now = Date.parse('2024-01-01T00:10:00Z');
    const pods = [
      pod('a', true),
      pod('b', true, { deletionTimestamp: '2024-01-01T00:09:00Z' }),
      pod('c', false),
      pod('d', true),
      pod('e', true),
    ];
    const flight = inFlight(
      pods,
      { d: '2024-01-01T00:09:30Z', e: '2024-01-01T00:05:00Z', b: '2024-01-01T00:09:00Z' },
      now,
    );
    assert.deepEqual(flight.map, { d: '2024-01-01T00:09:30Z' });
    assert.deepEqual(flight.expired, ['e']);
    assert.equal(flight.recheckAt, Date.parse('2024-01-01T00:11:30Z'));
    assert.equal(countHealthy(pods, flight.map, now), 2);
  });

  it('allows currentHealthy - desiredHealthy disruptions, never below zero, none while nothing is expected', () => {
    const s = nextStatus(
      pdb({ minAvailable: 1 }),
      { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptedPods: {} },
      'T',
    );
    assert.deepEqual(s, {
      observedGeneration: 2,
      disruptionsAllowed: 2,
      currentHealthy: 3,
      desiredHealthy: 1,
      expectedPods: 3,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          observedGeneration: 2,
          lastTransitionTime: 'T',
        },
      ],
    });
    assert.equal(
      nextStatus(
        pdb({}, s as unknown as Record<string, unknown>),
        { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptedPods: {} },
        'T2',
      ),
      undefined,
      'up to date',
    );
    const short = nextStatus(
      pdb({}),
      { currentHealthy: 1, desiredHealthy: 2, expectedPods: 3, disruptedPods: {} },
      'T',
    )!;
    assert.equal(short.disruptionsAllowed, 0);
    assert.equal(short.conditions[0]!.reason, 'InsufficientPods');
    const none = nextStatus(
      pdb({}),
      { currentHealthy: 2, desiredHealthy: 0, expectedPods: 0, disruptedPods: {} },
      'T',
    )!;
    assert.equal(none.disruptionsAllowed, 0);
  });

  it('fails safe with no disruptions allowed', () => {
    const s = failSafeStatus(
      pdb({}, { disruptionsAllowed: 3, observedGeneration: 1 }),
      'found no controllers for pod "x"',
      'T',
    );
    assert.equal(s.disruptionsAllowed, 0);
    assert.deepEqual(
      [s.conditions[0]!.status, s.conditions[0]!.reason, s.conditions[0]!.message],
      ['False', 'SyncFailed', 'found no controllers for pod "x"'],
    );
  });
});
