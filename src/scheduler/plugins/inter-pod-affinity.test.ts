import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../registry/types.js';
import { makeCache, makeNode, makePod, pod, runFilter } from '../testing.js';
import { interPodAffinityFilter } from './inter-pod-affinity.js';

const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

const term = (labels: Record<string, string>, topologyKey: string, extra: Record<string, unknown> = {}) => ({
  labelSelector: { matchLabels: labels },
  topologyKey,
  ...extra,
});

function nodes(): KObject[] {
  return [
    makeNode('a1', { labels: { [ZONE]: 'a' } }),
    makeNode('a2', { labels: { [ZONE]: 'a' } }),
    makeNode('b1', { labels: { [ZONE]: 'b' } }),
    makeNode('nozone'),
  ];
}

function verdicts(cache: ReturnType<typeof makeCache>, p: ReturnType<typeof pod>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, s] of runFilter(interPodAffinityFilter, cache, p)) {
    out[n] = s === null ? 'ok' : s === 'skip' ? 'skip' : s.reasons.join();
  }
  return out;
}

describe('InterPodAffinity filter', () => {
  it('is skipped when no term is involved', () => {
    const cache = makeCache(nodes(), [makePod('db', { nodeName: 'a1', labels: { app: 'db' } })]);
    assert.equal(verdicts(cache, pod('p')).a1, 'skip');
  });

  it('requires a matching pod in the domain for required affinity', () => {
    const cache = makeCache(nodes(), [makePod('db', { nodeName: 'a1', labels: { app: 'db' } })]);
    const p = pod('web', { affinity: { podAffinity: { [REQ]: [term({ app: 'db' }, ZONE)] } } });
    assert.deepEqual(verdicts(cache, p), {
      a1: 'ok',
      a2: 'ok',
      b1: "node(s) didn't match pod affinity rules",
      nozone: "node(s) didn't match pod affinity rules",
    });
  });

  it('lets the first pod of a self-affine group go anywhere with the label', () => {
    const cache = makeCache(nodes());
    const p = pod('w', {
      labels: { app: 'w' },
      affinity: { podAffinity: { [REQ]: [term({ app: 'w' }, ZONE)] } },
    });
    const v = verdicts(cache, p);
    assert.equal(v.a1, 'ok');
    assert.equal(v.b1, 'ok');
    assert.equal(v.nozone, "node(s) didn't match pod affinity rules");
  });

  it('keeps a pod out of domains holding pods its anti-affinity selects', () => {
    const cache = makeCache(nodes(), [makePod('w1', { nodeName: 'a1', labels: { app: 'w' } })]);
    const p = pod('w2', {
      labels: { app: 'w' },
      affinity: { podAntiAffinity: { [REQ]: [term({ app: 'w' }, HOST)] } },
    });
    const v = verdicts(cache, p);
    assert.equal(v.a1, "node(s) didn't match pod anti-affinity rules");
    assert.equal(v.a2, 'ok');
    const zonal = pod('w3', {
      labels: { app: 'w' },
      affinity: { podAntiAffinity: { [REQ]: [term({ app: 'w' }, ZONE)] } },
    });
    const z = verdicts(cache, zonal);
    assert.equal(z.a2, "node(s) didn't match pod anti-affinity rules");
    assert.equal(z.b1, 'ok');
    assert.equal(z.nozone, 'ok', 'a node without the key is not in the domain');
  });

  it("honours placed pods' anti-affinity towards the new pod", () => {
    const guard = makePod('guard', {
      nodeName: 'b1',
      labels: { app: 'guard' },
      affinity: { podAntiAffinity: { [REQ]: [term({ app: 'noisy' }, ZONE)] } },
    });
    const cache = makeCache(nodes(), [guard]);
    const v = verdicts(cache, pod('n', { labels: { app: 'noisy' } }));
    assert.equal(v.b1, "node(s) didn't satisfy existing pods anti-affinity rules");
    assert.equal(v.a1, 'ok');
    assert.equal(verdicts(cache, pod('q', { labels: { app: 'quiet' } })).b1, 'skip');
  });

  it('matches other namespaces through namespaces and namespaceSelector', () => {
    const cache = makeCache(nodes(), [
      makePod('db', { namespace: 'data', nodeName: 'b1', labels: { app: 'db' } }),
    ]);
    cache.setNamespaceLabels('data', { team: 'storage' });
    const byName = pod('w', {
      affinity: { podAffinity: { [REQ]: [term({ app: 'db' }, ZONE, { namespaces: ['data'] })] } },
    });
    assert.equal(verdicts(cache, byName).b1, 'ok');
    const bySelector = pod('w', {
      affinity: {
        podAffinity: {
          [REQ]: [term({ app: 'db' }, ZONE, { namespaceSelector: { matchLabels: { team: 'storage' } } })],
        },
      },
    });
    assert.equal(verdicts(cache, bySelector).b1, 'ok');
    const sameNs = pod('w', { affinity: { podAffinity: { [REQ]: [term({ app: 'db' }, ZONE)] } } });
    assert.equal(verdicts(cache, sameNs).b1, "node(s) didn't match pod affinity rules");
  });

  it('sees pods added after its index was built', () => {
    const cache = makeCache(nodes());
    const p = pod('w2', {
      labels: { app: 'w' },
      affinity: { podAntiAffinity: { [REQ]: [term({ app: 'w' }, HOST)] } },
    });
    assert.equal(verdicts(cache, p).a1, 'ok');
    cache.assume(pod('w1', { labels: { app: 'w' } }), 'a1');
    assert.equal(verdicts(cache, p).a1, "node(s) didn't match pod anti-affinity rules");
    cache.forget('default/w1');
    assert.equal(verdicts(cache, p).a1, 'ok');
  });
});
