import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PriorityClasses, priorityClassInfo, resolvePriority } from './priority.js';

const classes = (...pcs: Record<string, unknown>[]): PriorityClasses => {
  const m = new Map(
    pcs.map((pc) => [String((pc['metadata'] as { name: string }).name), priorityClassInfo(pc)]),
  );
  return {
    get: (n) => m.get(n),
    globalDefault: () => [...m.values()].find((c) => c.globalDefault),
  };
};

describe('pod priority', () => {
  const pcs = classes(
    { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' },
    { metadata: { name: 'normal' }, value: 100, globalDefault: true },
  );

  it('prefers spec.priority when admission has set it', () => {
    assert.deepEqual(resolvePriority({ priority: 7, priorityClassName: 'high' }, pcs), {
      priority: 7,
      preemptionPolicy: 'Never',
    });
  });

  it('looks the class up when only its name is given', () => {
    assert.deepEqual(resolvePriority({ priorityClassName: 'high' }, pcs), {
      priority: 1000,
      preemptionPolicy: 'Never',
    });
    assert.equal(resolvePriority({ priorityClassName: 'system-node-critical' }, pcs).priority, 2_000_001_000);
    assert.equal(resolvePriority({ priorityClassName: 'missing' }, pcs).priority, 0);
  });

  it('falls back to the global default class, else 0', () => {
    assert.deepEqual(resolvePriority({}, pcs), { priority: 100, preemptionPolicy: 'PreemptLowerPriority' });
    assert.equal(resolvePriority({}, classes()).priority, 0);
  });
});
