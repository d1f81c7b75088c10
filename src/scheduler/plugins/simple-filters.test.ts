/** Tests of the small filters: NodeUnschedulable, NodeName, NodePorts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, makePod, pod, runFilter } from '../testing.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeUnschedulable } from './node-unschedulable.js';

describe('NodeUnschedulable', () => {
  const cache = makeCache([makeNode('cordoned', { unschedulable: true }), makeNode('open')]);

  it('keeps pods off cordoned nodes unless they tolerate it', () => {
    const r = runFilter(nodeUnschedulable, cache, pod('p'));
    const s = r.get('cordoned');
    assert.ok(s && s !== 'skip');
    assert.deepEqual(s.reasons, ['node(s) were unschedulable']);
    assert.equal(s.code, 'UnschedulableAndUnresolvable');
    assert.equal(r.get('open'), null);
    const tolerant = pod('t', {
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
    });
    assert.equal(runFilter(nodeUnschedulable, cache, tolerant).get('cordoned'), null);
  });
});

describe('NodeName', () => {
  it('fits only the named node, and is skipped when none is named', () => {
    const cache = makeCache([makeNode('a'), makeNode('b')]);
    const r = runFilter(nodeName, cache, pod('p', { nodeName: 'a' }));
    assert.equal(r.get('a'), null);
    const b = r.get('b');
    assert.ok(b && b !== 'skip');
    assert.deepEqual(b.reasons, ["node(s) didn't match the requested node name"]);
    assert.equal(runFilter(nodeName, cache, pod('q')).get('a'), 'skip');
  });
});

describe('NodePorts', () => {
  it('rejects nodes where the host port is taken', () => {
    const cache = makeCache(
      [makeNode('a'), makeNode('b')],
      [makePod('x', { nodeName: 'a', hostPort: 8080 })],
    );
    const r = runFilter(nodePorts, cache, pod('p', { hostPort: 8080 }));
    const a = r.get('a');
    assert.ok(a && a !== 'skip');
    assert.deepEqual(a.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
    assert.equal(a.code, 'Unschedulable');
    assert.equal(r.get('b'), null);
    assert.equal(runFilter(nodePorts, cache, pod('q', { hostPort: 9090 })).get('a'), null);
  });
});
