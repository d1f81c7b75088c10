import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, makePod, pod, runScore } from '../testing.js';
import { interPodAffinityScore } from './inter-pod-affinity-score.js';

const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';
const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
const ZONE = 'topology.kubernetes.io/zone';

const nodes = () => [
  makeNode('a1', { labels: { [ZONE]: 'a' } }),
  makeNode('b1', { labels: { [ZONE]: 'b' } }),
  makeNode('c1', { labels: { [ZONE]: 'c' } }),
];
const weighted = (weight: number, labels: Record<string, string>) => ({
  weight,
  podAffinityTerm: { labelSelector: { matchLabels: labels }, topologyKey: ZONE },
});

describe('InterPodAffinity score', () => {
  it('pulls towards preferred affinity and pushes away from preferred anti-affinity', () => {
    const cache = makeCache(nodes(), [
      makePod('cache', { nodeName: 'a1', labels: { app: 'cache' } }),
      makePod('batch', { nodeName: 'b1', labels: { app: 'batch' } }),
    ]);
    const p = pod('web', {
      affinity: {
        podAffinity: { [PREF]: [weighted(50, { app: 'cache' })] },
        podAntiAffinity: { [PREF]: [weighted(50, { app: 'batch' })] },
      },
    });
    const s = runScore(interPodAffinityScore, cache, p)!;
    assert.deepEqual([s.get('a1'), s.get('b1'), s.get('c1')], [100, 0, 50]);
  });

  it("counts placed pods' terms that select the new pod (required affinity with weight 1)", () => {
    const cache = makeCache(nodes(), [
      makePod('fan', {
        nodeName: 'c1',
        labels: { app: 'fan' },
        affinity: {
          podAffinity: { [REQ]: [{ labelSelector: { matchLabels: { app: 'star' } }, topologyKey: ZONE }] },
        },
      }),
    ]);
    const s = runScore(interPodAffinityScore, cache, pod('star', { labels: { app: 'star' } }))!;
    assert.equal(s.get('c1'), 100);
    assert.equal(s.get('a1'), 0);
  });

  it('is skipped when nothing contributes', () => {
    assert.equal(runScore(interPodAffinityScore, makeCache(nodes()), pod('p')), undefined);
  });
});
