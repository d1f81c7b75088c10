/** The small pure helpers of the simulator: durations, annotations, addresses, the due queue, node status. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IpPool, nodeInternalIP, nodePodCIDR } from './addresses.js';
import { parseExitPlans, planFor } from './annotations.js';
import { DEFAULT_SHAPE, simulatorConfig } from './config.js';
import { DueQueue } from './due-queue.js';
import { formatDuration, parseDuration } from './duration.js';
import { nodeObject, nodeStatus, statusNeedsUpdate } from './node-status.js';

type Obj = Record<string, unknown>;

describe('simulator helpers', () => {
  it('parses and formats Go durations', () => {
    assert.equal(parseDuration('2s'), 2000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('0'), 0);
    assert.throws(() => parseDuration('2'), /invalid duration/);
    assert.throws(() => parseDuration('s'), /invalid duration/);
    assert.equal(formatDuration(10_000), '10s');
    assert.equal(formatDuration(80_000), '1m20s');
    assert.equal(formatDuration(300_000), '5m0s');
    assert.equal(formatDuration(100), '100ms');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(3_600_000), '1h0m0s');
  });

  it('parses the exit annotation', () => {
    assert.deepEqual(parseExitPlans('code=0,after=2s'), [{ code: 0, afterMs: 2000 }]);
    const plans = parseExitPlans('code=1, after=0s, container=a; code=0');
    assert.deepEqual(planFor(plans, 'a'), { code: 1, afterMs: 0, container: 'a' });
    assert.deepEqual(planFor(plans, 'b'), { code: 0, afterMs: 0 });
    assert.throws(() => parseExitPlans('code=300'), /bad "code=300"/);
    assert.throws(() => parseExitPlans('when=now'), /bad "when=now"/);
  });

  it('gives nodes addresses and pod ranges, and pods their IPs', () => {
    assert.equal(nodeInternalIP(0), '10.244.0.1');
    assert.equal(nodeInternalIP(254), '10.244.1.1');
    assert.equal(nodePodCIDR(0), '10.64.0.0/24');
    assert.equal(nodePodCIDR(257), '10.65.1.0/24');
    const pool = new IpPool('10.64.3.0/24');
    assert.equal(pool.allocate(), '10.64.3.2');
    assert.equal(pool.reserve('10.64.3.3'), true);
    assert.equal(pool.reserve('10.64.3.3'), false);
    assert.equal(pool.reserve('10.65.0.9'), false);
    assert.equal(pool.allocate(), '10.64.3.4');
    pool.release('10.64.3.2');
    const all = new Set<string>();
    for (let ip = pool.allocate(); ip; ip = pool.allocate()) all.add(ip);
    assert.equal(all.size + 2, 253);
    assert.ok(!all.has('10.64.3.255') && !all.has('10.64.3.1') && !all.has('10.64.3.0'));
  });

  it('hands out due keys earliest first, with replacement and setEarlier', () => {
    const q = new DueQueue();
    q.set('a', 30);
    q.set('b', 10);
    q.set('c', 20);
    q.set('a', 5);
    q.setEarlier('b', 50);
    q.setEarlier('c', 1);
    q.delete('x');
    assert.equal(q.peek(), 1);
    assert.deepEqual(q.popDue(10), ['c', 'a', 'b']);
    assert.equal(q.size, 0);
    assert.equal(q.peek(), undefined);
    for (let i = 0; i < 1000; i++) q.set(`k${i}`, (i * 7919) % 1000);
    const out = q.popDue(1000);
    assert.equal(out.length, 1000);
    const times = out.map((k) => (Number(k.slice(1)) * 7919) % 1000);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
  });

  it('validates the simulated node flags', () => {
    const ok = {
      'simulated-node-cpu': '32',
      'simulated-node-memory': '256Gi',
      'simulated-node-pods': 110,
      'simulated-node-prefix': 'sim-',
      'simulated-backoff-scale': '0.01',
    };
    const c = simulatorConfig(3, ok);
    assert.equal(c.backoffScale, 0.01);
    assert.deepEqual(c.shape, DEFAULT_SHAPE);
    assert.throws(() => simulatorConfig(3, { ...ok, 'simulated-node-cpu': 'lots' }), /not a quantity/);
    assert.throws(() => simulatorConfig(3, { ...ok, 'simulated-node-cpu': '-2' }), /not a quantity/);
    assert.throws(() => simulatorConfig(3, { ...ok, 'simulated-node-memory': '1KB' }), /not a quantity/);
    const odd = simulatorConfig(3, { ...ok, 'simulated-node-cpu': '1.5', 'simulated-node-memory': '0.5Gi' });
    assert.deepEqual([odd.shape.cpu, odd.shape.memory], ['1500m', '512Mi'], 'kept in canonical form');
    assert.throws(() => simulatorConfig(3, { ...ok, 'simulated-backoff-scale': '0' }), /above 0/);
    assert.throws(() => simulatorConfig(3, { ...ok, 'simulated-node-prefix': 'Sim_' }), /node name/);
    assert.throws(() => simulatorConfig(20_000, ok), /at most/);
  });

  it('builds a node and knows when its status needs writing', () => {
    const id = { name: 'sim-0', index: 0, internalIP: '10.244.0.1', podCIDR: '10.64.0.0/24' };
    const t = Date.parse('2025-01-01T00:00:00Z');
    const node = nodeObject(id, DEFAULT_SHAPE, 'boot', t);
    assert.equal(node.metadata?.labels?.['type'], 'simulated');
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'sim-0');
    const status = node['status'] as Obj;
    assert.equal((status['nodeInfo'] as Obj)['kubeletVersion'], 'v1.32.0-k8ts-sim');
    assert.deepEqual((status['capacity'] as Obj)['pods'], '110');
    assert.equal(
      statusNeedsUpdate(node, nodeStatus(id, DEFAULT_SHAPE, 'boot', t + 10_000, node), t + 10_000, 300_000),
      false,
    );
    assert.equal(
      statusNeedsUpdate(node, nodeStatus(id, DEFAULT_SHAPE, 'boot', t + 300_000, node), t + 300_000, 300_000),
      true,
    );
    const unknown = structuredClone(node);
    for (const c of (unknown['status'] as Obj)['conditions'] as Obj[]) c['status'] = 'Unknown';
    const fix = nodeStatus(id, DEFAULT_SHAPE, 'boot', t + 10_000, unknown);
    assert.equal(statusNeedsUpdate(unknown, fix, t + 10_000, 300_000), true);
    const ready = (fix['conditions'] as Obj[]).find((c) => c['type'] === 'Ready')!;
    assert.equal(ready['lastTransitionTime'], '2025-01-01T00:00:10Z');
  });
});
