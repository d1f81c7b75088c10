/** Quantities: parsing every suffix form, canonical printing, and sums. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { add, canonical, formatQuantity, parseQuantity, prettyList, toResourceList } from './quantity.js';

describe('quantity', () => {
  it('parses decimal, binary and exponent forms to milli-units', () => {
    const milli = (s: string | number) => parseQuantity(s)?.milli;
    assert.equal(milli('100m'), 100n);
    assert.equal(milli('1'), 1000n);
    assert.equal(milli(2), 2000n);
    assert.equal(milli('0.5'), 500n);
    assert.equal(milli('1.5k'), 1_500_000n);
    assert.equal(milli('1Ki'), 1_024_000n);
    assert.equal(milli('1Gi'), 1024n ** 3n * 1000n);
    assert.equal(milli('1e3'), 1_000_000n);
    assert.equal(milli('1E'), 10n ** 21n);
    assert.equal(milli('1n'), 1n, 'sub-milli amounts round up');
    assert.equal(milli('-1'), -1000n);
    assert.equal(parseQuantity('abc'), undefined);
    assert.equal(parseQuantity('1Xi'), undefined);
    assert.equal(parseQuantity({}), undefined);
  });

  it('prints the canonical form', () => {
    for (const [input, want] of [
      ['1000m', '1'],
      ['1500m', '1500m'],
      ['2000', '2k'],
      ['0.1', '100m'],
      ['1536Mi', '1536Mi'],
      ['1.5Gi', '1536Mi'],
      ['1024Mi', '1Gi'],
      ['512Ki', '512Ki'],
      ['1e3', '1e3'],
      ['10', '10'],
      ['0', '0'],
    ]) {
      assert.equal(canonical(input), want, input);
    }
    assert.equal(
      formatQuantity({ milli: 1500n * 1000n, format: 'BinarySI' }),
      '1500',
      'not a multiple of 1024',
    );
    assert.equal(
      formatQuantity({ milli: 100_000n, format: 'BinarySI' }),
      '100',
      'small binary values print plainly',
    );
  });

  it('adds in the format of the first non-zero operand and prints lists sorted', () => {
    const a = parseQuantity('64Mi')!;
    const b = parseQuantity('64Mi')!;
    assert.equal(formatQuantity(add(a, b)), '128Mi');
    assert.equal(formatQuantity(add(parseQuantity('0')!, b)), '64Mi');
    assert.equal(prettyList(toResourceList({ pods: '10', cpu: '500m', bogus: 'x' })), 'cpu=500m,pods=10');
  });
});
