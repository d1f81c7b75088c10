import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fifo } from './fifo.js';

describe('Fifo', () => {
  it('gives items back in order across compactions, interleaved with pushes', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) q.push(next++);
      for (let i = 0; i < 200; i++) out.push(q.shift()!);
    }
    assert.equal(q.length, 50 * 100);
    while (q.length > 0) out.push(q.shift()!);
    assert.deepEqual(
      out,
      Array.from({ length: next }, (_, i) => i),
    );
    assert.equal(q.shift(), undefined);
    assert.equal(q.length, 0);
  });

  it('drains what is left, oldest first', () => {
    const q = new Fifo<string>();
    for (const s of ['a', 'b', 'c']) q.push(s);
    q.shift();
    assert.deepEqual(q.drain(), ['b', 'c']);
    assert.equal(q.length, 0);
    q.push('d');
    assert.equal(q.shift(), 'd');
  });
});
