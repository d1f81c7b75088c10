/** Node eligibility of daemon pods: selectors, affinity, taints and tolerations. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { daemonPodTemplate, daemonTolerations, HASH_LABEL, nodeShouldRunDaemonPod } from './eligibility.js';
import { scaledValue } from './int-or-percent.js';
import { nodeSelectorMatches, targetNodeName, tolerates, withNodeNameAffinity } from './node-affinity.js';
import { makeDs, makeNode } from './testing.js';

const run = (ds: ReturnType<typeof makeDs>, node: ReturnType<typeof makeNode>) => {
  const e = nodeShouldRunDaemonPod(node, ds);
  return [e.shouldRun, e.shouldContinueRunning];
};

describe('daemon pod eligibility', () => {
  it('runs everywhere by default', () => {
    assert.deepEqual(run(makeDs(), makeNode('a')), [true, true]);
  });

  it('honours nodeSelector and a template nodeName', () => {
    const ds = makeDs({ nodeSelector: { disk: 'ssd' } });
    assert.deepEqual(run(ds, makeNode('a', { disk: 'ssd' })), [true, true]);
    assert.deepEqual(run(ds, makeNode('b', { disk: 'hdd' })), [false, false]);
    assert.deepEqual(run(makeDs({ nodeName: 'a' }), makeNode('b')), [false, false]);
    assert.deepEqual(run(makeDs({ nodeName: 'a' }), makeNode('a')), [true, true]);
  });

  it('honours required node affinity: terms are ORed, requirements ANDed', () => {
    const ds = makeDs({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'zone', operator: 'In', values: ['z1', 'z2'] },
                  { key: 'gpu', operator: 'DoesNotExist' },
                ],
              },
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
            ],
          },
        },
      },
    });
    assert.deepEqual(run(ds, makeNode('a', { zone: 'z1' })), [true, true]);
    assert.deepEqual(run(ds, makeNode('b', { zone: 'z1', gpu: 'yes' })), [false, false]);
    assert.deepEqual(run(ds, makeNode('c', { zone: 'z3' })), [false, false]);
    assert.deepEqual(run(ds, makeNode('special')), [true, true]);
  });

  it('matches the other operators and never an empty term', () => {
    const node = makeNode('n', { cpus: '8', tier: 'x' });
    const m = (operator: string, key: string, values?: string[]) =>
      nodeSelectorMatches(
        { nodeSelectorTerms: [{ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] }] },
        node,
      );
    assert.ok(m('Gt', 'cpus', ['4']));
    assert.ok(!m('Gt', 'cpus', ['8']));
    assert.ok(m('Lt', 'cpus', ['9']));
    assert.ok(!m('Lt', 'tier', ['9']), 'a value that is not a number');
    assert.ok(m('NotIn', 'tier', ['y']));
    assert.ok(m('NotIn', 'absent', ['y']));
    assert.ok(m('Exists', 'tier'));
    assert.ok(!nodeSelectorMatches({ nodeSelectorTerms: [{}] }, node));
  });

  it('stays off nodes with untolerated NoSchedule taints but keeps running pods there', () => {
    const tainted = makeNode('a', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    assert.deepEqual(run(makeDs(), tainted), [false, true]);
    const tolerating = makeDs({
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }],
    });
    assert.deepEqual(run(tolerating, tainted), [true, true]);
    const soft = makeNode('b', {}, [{ key: 'x', effect: 'PreferNoSchedule' }]);
    assert.deepEqual(run(makeDs(), soft), [true, true], 'PreferNoSchedule does not count');
  });

  it('evicts from nodes with untolerated NoExecute taints', () => {
    const node = makeNode('a', {}, [{ key: 'evict', effect: 'NoExecute' }]);
    assert.deepEqual(run(makeDs(), node), [false, false]);
    assert.deepEqual(run(makeDs({ tolerations: [{ operator: 'Exists' }] }), node), [true, true]);
  });

  it('tolerates the node condition taints daemons always tolerate', () => {
    for (const [key, effect] of [
      ['node.kubernetes.io/not-ready', 'NoExecute'],
      ['node.kubernetes.io/unreachable', 'NoExecute'],
      ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
      ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
      ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
      ['node.kubernetes.io/unschedulable', 'NoSchedule'],
    ] as const) {
      assert.deepEqual(run(makeDs(), makeNode('a', {}, [{ key, effect }])), [true, true], key);
    }
    const netDown = makeNode('a', {}, [
      { key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(run(makeDs(), netDown), [false, true]);
    assert.deepEqual(run(makeDs({ hostNetwork: true }), netDown), [true, true]);
    // A not-ready node (NoSchedule, as the node lifecycle taints it) gets no new daemon pod.
    const notReady = makeNode('a', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
    assert.deepEqual(run(makeDs(), notReady), [false, true]);
  });

  it('matches tolerations as upstream does', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    assert.ok(tolerates({ key: 'k', value: 'v' }, taint), 'no effect means every effect');
    assert.ok(!tolerates({ key: 'k', value: 'w' }, taint));
    assert.ok(tolerates({ key: 'k', operator: 'Exists' }, taint));
    assert.ok(!tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint));
    assert.ok(tolerates({ operator: 'Exists' }, taint), 'an empty key with Exists tolerates everything');
  });
});

describe('daemon pod template', () => {
  it('adds the daemon tolerations once and the hash label', () => {
    const ds = makeDs({
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }],
    });
    const t = daemonPodTemplate(ds, 'h2');
    assert.equal(t.metadata?.labels?.[HASH_LABEL], 'h2');
    assert.equal(t.metadata?.labels?.['app'], 'd');
    assert.equal(t.spec?.tolerations?.length, daemonTolerations(undefined).length);
    assert.equal(ds.spec?.template.spec?.tolerations?.length, 1, 'the DaemonSet is not changed');
  });

  it('asks for its node through affinity and reads it back', () => {
    const a = withNodeNameAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [],
        },
      },
      'n1',
    );
    assert.deepEqual(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
    });
    assert.deepEqual(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, []);
    assert.equal(targetNodeName({ containers: [], affinity: a }), 'n1');
    assert.equal(targetNodeName({ containers: [], affinity: a, nodeName: 'n2' }), 'n2');
    assert.equal(targetNodeName({ containers: [] }), undefined);
  });
});

describe('int or percent', () => {
  it('scales percentages with the rounding asked for', () => {
    assert.equal(scaledValue(2, 10, true, 1), 2);
    assert.equal(scaledValue('25%', 3, true, 1), 1);
    assert.equal(scaledValue('25%', 3, false, 1), 0);
    assert.equal(scaledValue('10%', 30, true, 1), 3);
    assert.equal(scaledValue(undefined, 3, true, 1), 1);
    assert.throws(() => scaledValue('x%', 3, true, 1));
  });
});
