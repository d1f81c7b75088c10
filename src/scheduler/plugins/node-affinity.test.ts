import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, pod, runFilter, runScore } from '../testing.js';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';

const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';

describe('NodeAffinity', () => {
  const cache = makeCache([
    makeNode('a', { labels: { zone: 'z1', disk: 'ssd', gen: '5' } }),
    makeNode('b', { labels: { zone: 'z2', gen: '3' } }),
    makeNode('c', { labels: { zone: 'z3' } }),
  ]);
  const fits = (p: ReturnType<typeof pod>) =>
    [...runFilter(nodeAffinityFilter, cache, p)].filter(([, s]) => s === null).map(([n]) => n);

  it('honours nodeSelector', () => {
    assert.deepEqual(fits(pod('p', { nodeSelector: { disk: 'ssd' } })), ['a']);
    const r = runFilter(nodeAffinityFilter, cache, pod('p', { nodeSelector: { disk: 'ssd' } })).get('b');
    assert.ok(r && r !== 'skip');
    assert.deepEqual(r.reasons, ["node(s) didn't match Pod's node affinity/selector"]);
  });

  it('ORs terms and ANDs expressions, with every operator and matchFields', () => {
    const affinity = (terms: unknown[]) => ({ nodeAffinity: { [REQ]: { nodeSelectorTerms: terms } } });
    const t = (exprs: unknown[], fields: unknown[] = []) => ({
      matchExpressions: exprs,
      matchFields: fields,
    });
    assert.deepEqual(
      fits(pod('p', { affinity: affinity([t([{ key: 'zone', operator: 'In', values: ['z2', 'z3'] }])]) })),
      ['b', 'c'],
    );
    assert.deepEqual(
      fits(
        pod('p', {
          affinity: affinity([
            t([
              { key: 'zone', operator: 'NotIn', values: ['z1'] },
              { key: 'gen', operator: 'Exists' },
            ]),
          ]),
        }),
      ),
      ['b'],
    );
    assert.deepEqual(
      fits(pod('p', { affinity: affinity([t([{ key: 'gen', operator: 'Gt', values: ['4'] }])]) })),
      ['a'],
    );
    assert.deepEqual(
      fits(
        pod('p', {
          affinity: affinity([
            t([{ key: 'gen', operator: 'DoesNotExist' }]),
            t([], [{ key: 'metadata.name', operator: 'In', values: ['a'] }]),
          ]),
        }),
      ),
      ['a', 'c'],
    );
    assert.deepEqual(fits(pod('p', { affinity: affinity([]) })), [], 'no terms match nothing');
    assert.deepEqual(fits(pod('p', { affinity: affinity([{}]) })), [], 'an empty term matches nothing');
  });

  it('scores preferred terms by weight', () => {
    const affinity = {
      nodeAffinity: {
        [PREF]: [
          { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] } },
          { weight: 30, preference: { matchExpressions: [{ key: 'gen', operator: 'Exists' }] } },
        ],
      },
    };
    const s = runScore(nodeAffinityScore, cache, pod('p', { affinity }))!;
    assert.deepEqual([s.get('a'), s.get('b'), s.get('c')], [100, 75, 0]);
    assert.equal(runScore(nodeAffinityScore, cache, pod('q')), undefined);
  });
});
