import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCache, makeNode, pod, runScore } from '../testing.js';
import { imageLocality } from './image-locality.js';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
  it('prefers nodes holding the image, weighted by size and spread', () => {
    const cache = makeCache([
      makeNode('a', { images: [{ names: ['registry.example/big:1'], sizeBytes: 500 * MB }] }),
      makeNode('b', { images: [{ names: ['registry.example/small'], sizeBytes: 10 * MB }] }),
      makeNode('c'),
    ]);
    const s = runScore(imageLocality, cache, pod('p', { image: 'registry.example/big:1' }))!;
    // 500 MiB on 1 of 3 nodes: 166 MiB -> (166-23)/(1000-23) -> 14.
    assert.equal(s.get('a'), 14);
    assert.equal(s.get('b'), 0);
    assert.equal(s.get('c'), 0);
    const small = runScore(imageLocality, cache, pod('q', { image: 'registry.example/small:latest' }))!;
    assert.equal(small.get('b'), 0, 'below the 23 MiB threshold');
  });

  it('is skipped while no node reports images', () => {
    assert.equal(runScore(imageLocality, makeCache([makeNode('a')]), pod('p')), undefined);
  });
});
