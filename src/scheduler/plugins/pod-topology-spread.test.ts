import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { makeCache, makeNode, makePod, pod, runFilter, runScore } from '../testing.js';
import { podTopologySpreadFilter } from './pod-topology-spread.js';
import { podTopologySpreadScore } from './pod-topology-spread-score.js';

const ZONE = 'topology.kubernetes.io/zone';
const spread = (maxSkew: number, extra: Record<string, unknown> = {}, when = 'DoNotSchedule') => ({
  maxSkew,
  topologyKey: ZONE,
  whenUnsatisfiable: when,
  labelSelector: { matchLabels: { app: 'w' } },
  ...extra,
});

function nodes(): KObject[] {
  return [
    makeNode('a1', { labels: { [ZONE]: 'a' } }),
    makeNode('a2', { labels: { [ZONE]: 'a' } }),
    makeNode('b1', { labels: { [ZONE]: 'b' } }),
    makeNode('c1', { labels: { [ZONE]: 'c', tier: 'gold' } }),
    makeNode('bare'),
  ];
}

const placed = (name: string, node: string) => makePod(name, { nodeName: node, labels: { app: 'w' } });

function fits(cache: ReturnType<typeof makeCache>, p: ReturnType<typeof pod>): string[] {
  return [...runFilter(podTopologySpreadFilter, cache, p)].filter(([, s]) => s === null).map(([n]) => n);
}

describe('PodTopologySpread filter', () => {
  it('keeps every domain within maxSkew of the global minimum', () => {
    const cache = makeCache(nodes(), [placed('1', 'a1'), placed('2', 'a2'), placed('3', 'b1')]);
    const p = pod('p', { labels: { app: 'w' }, spread: [spread(1)] });
    assert.deepEqual(fits(cache, p), ['c1']);
    assert.deepEqual(fits(cache, pod('q', { labels: { app: 'w' }, spread: [spread(2)] })), ['b1', 'c1']);
  });

  it('rejects nodes without the topology label as unresolvable', () => {
    const r = runFilter(podTopologySpreadFilter, makeCache(nodes()), pod('p', { spread: [spread(1)] })).get(
      'bare',
    );
    assert.ok(r && r !== 'skip');
    assert.equal(r.code, 'UnschedulableAndUnresolvable');
    assert.deepEqual(r.reasons, [
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ]);
  });

  it('counts the global minimum as 0 below minDomains', () => {
    const cache = makeCache(nodes(), [placed('1', 'a1'), placed('2', 'b1'), placed('3', 'c1')]);
    const p = pod('p', { labels: { app: 'w' }, spread: [spread(1, { minDomains: 4 })] });
    assert.deepEqual(fits(cache, p), [], '3 domains < 4: min is 0, every domain already has 1');
  });

  it('counts only nodes matching the node affinity (nodeAffinityPolicy Honor)', () => {
    const cache = makeCache(nodes(), [placed('1', 'a1'), placed('2', 'b1')]);
    // Only c1 matches the selector: pods in zones a and b do not count, so no zone is over.
    const p = pod('p', { labels: { app: 'w' }, nodeSelector: { tier: 'gold' }, spread: [spread(1)] });
    assert.deepEqual(fits(cache, p).sort(), ['a1', 'a2', 'b1', 'c1']);
    const ignore = pod('q', {
      labels: { app: 'w' },
      nodeSelector: { tier: 'gold' },
      spread: [spread(1, { nodeAffinityPolicy: 'Ignore' })],
    });
    assert.deepEqual(fits(cache, ignore), ['c1']);
  });

  it('is skipped without DoNotSchedule constraints', () => {
    const r = runFilter(
      podTopologySpreadFilter,
      makeCache(nodes()),
      pod('p', { spread: [spread(1, {}, 'ScheduleAnyway')] }),
    );
    assert.equal(r.get('a1'), 'skip');
  });
});

describe('PodTopologySpread score', () => {
  it('prefers emptier domains and scores nodes without the label 0', () => {
    const cache = makeCache(nodes(), [placed('1', 'a1'), placed('2', 'a2'), placed('3', 'b1')]);
    const s = runScore(
      podTopologySpreadScore,
      cache,
      pod('p', { labels: { app: 'w' }, spread: [spread(1, {}, 'ScheduleAnyway')] }),
    )!;
    assert.equal(s.get('c1'), 100);
    assert.ok(s.get('b1')! > s.get('a1')!);
    assert.equal(s.get('bare'), 0);
  });
});
