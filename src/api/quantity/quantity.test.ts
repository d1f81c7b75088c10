/** Quantities: the grammar, exact values and rounding, comparison, sums and canonical text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  add,
  canonical,
  compare,
  formatQuantity,
  milliValue,
  milliValueOf,
  parseQuantity,
  type Quantity,
  quantityOf,
  unitValueOf,
  value,
  zero,
} from './quantity.js';

function must(v: unknown): Quantity {
  const q = parseQuantity(v);
  assert.ok(q, `${String(v)} should parse`);
  return q;
}

describe('parseQuantity', () => {
  it('reads every suffix form exactly, in nano-units', () => {
    const nano = (v: unknown) => must(v).nano;
    assert.equal(nano('100m'), 100_000_000n);
    assert.equal(nano('1'), 1_000_000_000n);
    assert.equal(nano('1.5Gi'), 1_610_612_736n * 1_000_000_000n);
    assert.equal(nano('2e3'), 2_000n * 1_000_000_000n);
    assert.equal(nano('128974848'), 128_974_848n * 1_000_000_000n);
    assert.equal(nano('129e6'), 129_000_000n * 1_000_000_000n);
    assert.equal(nano('123Mi'), 123n * 1024n ** 2n * 1_000_000_000n);
    assert.equal(nano('1k'), 1_000n * 1_000_000_000n);
    assert.equal(nano('500Ki'), 512_000n * 1_000_000_000n);
    assert.equal(nano('1E'), 10n ** 27n, 'E is exa, not an exponent');
    assert.equal(nano('1E3'), 10n ** 12n, 'E followed by digits is an exponent');
    assert.equal(nano('1e+3'), 10n ** 12n);
    assert.equal(nano('1.5e-3'), 1_500_000n);
    assert.equal(nano('3u'), 3_000n);
    assert.equal(nano('7n'), 7n);
    assert.equal(nano('.5'), 500_000_000n);
    assert.equal(nano('5.'), 5_000_000_000n);
    assert.equal(nano('+2'), 2_000_000_000n);
    assert.equal(nano('-1'), -1_000_000_000n);
    assert.equal(nano('007'), 7_000_000_000n);
    assert.equal(nano('-0'), 0n);
  });

  it('rounds amounts finer than a nano-unit away from zero', () => {
    assert.equal(must('1.5n').nano, 2n);
    assert.equal(must('-1.5n').nano, -2n);
    assert.equal(must('1e-20').nano, 1n);
    assert.equal(must('1e-1000000000000').nano, 1n);
    assert.equal(must('0.0000000001Ki').nano, 103n, '102.4n');
    assert.equal(must('0.0000000000001Ki').nano, 1n);
  });

  it('keeps the format the text was written in', () => {
    assert.equal(must('1Gi').format, 'BinarySI');
    assert.equal(must('1G').format, 'DecimalSI');
    assert.equal(must('12e6').format, 'DecimalExponent');
    assert.equal(must('12').format, 'DecimalSI');
    assert.equal(must('0.0001Ki').format, 'DecimalSI', 'a binary amount under one unit is decimal');
  });

  it('caps binary amounts at the largest int64, as upstream does', () => {
    assert.equal(value(must('8Ei')), 2n ** 63n - 1n);
    assert.equal(value(must('7Ei')), 7n * 2n ** 60n);
  });

  it('takes JSON numbers and drops surrounding white space', () => {
    assert.equal(must(2).nano, 2_000_000_000n);
    assert.equal(must(0.25).nano, 250_000_000n);
    assert.equal(formatQuantity(must(1e21)), '1e21');
    assert.equal(must(' 2Gi\n').nano, 2n * 1024n ** 3n * 1_000_000_000n);
  });

  it('rejects anything outside the grammar', () => {
    for (const bad of [
      '',
      ' ',
      '.',
      '+',
      '-',
      'Ki',
      'm',
      'abc',
      '1Xi',
      '1K',
      '1KI',
      '1ki',
      '1e',
      '1e+',
      '1e3Ki',
      '1Kie3',
      '1.2.3',
      '--1',
      '+-1',
      '1 Ki',
      '1_000',
      '0x10',
      '1,5',
      'e3',
      'Infinity',
      '1e64',
      `1${'0'.repeat(64)}`,
      `1${'0'.repeat(64)}Ki`,
      '1e99999999999999999999',
    ]) {
      assert.equal(parseQuantity(bad), undefined, JSON.stringify(bad));
    }
    assert.ok(parseQuantity('1e63'), 'up to 64 integer digits');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, {}, null, undefined, true, ['1']]) {
      assert.equal(parseQuantity(bad), undefined, String(bad));
    }
  });
});

describe('canonical text', () => {
  it('prints the largest suffix of the format that keeps an integer mantissa', () => {
    for (const [input, want] of [
      ['100m', '100m'],
      ['1.5Gi', '1536Mi'],
      ['2e3', '2e3'],
      ['128974848', '128974848'],
      ['129e6', '129e6'],
      ['123Mi', '123Mi'],
      ['1k', '1k'],
      ['500Ki', '500Ki'],
      ['1000m', '1'],
      ['1500m', '1500m'],
      ['1.5', '1500m'],
      ['2000', '2k'],
      ['1500000', '1500k'],
      ['0.1', '100m'],
      ['1e-1', '100e-3'],
      ['1024Mi', '1Gi'],
      ['1024Ki', '1Mi'],
      ['1024', '1024'],
      ['0.5Ki', '512'],
      ['1.1Ki', '1126400m'],
      ['-1Ki', '-1Ki'],
      ['-1500m', '-1500m'],
      ['1E', '1E'],
      ['1000E', '1e21'],
      ['12e0', '12'],
      ['1.5n', '2n'],
      ['500u', '500u'],
      ['0', '0'],
      ['0Ki', '0'],
      ['0e3', '0'],
      ['8Ei', '9223372036854775807'],
    ]) {
      assert.equal(canonical(input), want, input);
    }
    assert.equal(canonical('not one'), 'not one');
  });

  it('prints whole numbers of units in the format asked for', () => {
    assert.equal(formatQuantity(quantityOf(1500, 'BinarySI')), '1500', 'not a multiple of 1024');
    assert.equal(formatQuantity(quantityOf(100, 'BinarySI')), '100', 'under 1024');
    assert.equal(formatQuantity(quantityOf(52_428_800, 'BinarySI')), '50Mi');
    assert.equal(formatQuantity(quantityOf(52_428_800n)), '52428800');
    assert.equal(formatQuantity(quantityOf(5000, 'DecimalExponent')), '5e3');
    assert.equal(formatQuantity(zero('BinarySI')), '0');
  });
});

describe('comparison and arithmetic', () => {
  it('compares exactly, whatever the formats', () => {
    assert.equal(compare(must('1Gi'), must('1073741824')), 0);
    assert.equal(compare(must('1G'), must('1Gi')), -1);
    assert.equal(compare(must('100m'), must('0.1')), 0);
    assert.equal(compare(must('1n'), must('0')), 1);
    assert.equal(compare(must('1001m'), must('1')), 1);
  });

  it('adds in the format of the first non-zero operand', () => {
    assert.equal(formatQuantity(add(must('64Mi'), must('64Mi'))), '128Mi');
    assert.equal(formatQuantity(add(must('0'), must('64Mi'))), '64Mi');
    assert.equal(formatQuantity(add(must('1'), must('1Ki'))), '1025');
  });
});

describe('Value and MilliValue', () => {
  it('round away from zero', () => {
    assert.equal(value(must('100m')), 1n);
    assert.equal(value(must('-100m')), -1n);
    assert.equal(value(must('1.5Gi')), 1_610_612_736n);
    assert.equal(value(must('2')), 2n);
    assert.equal(milliValue(must('1u')), 1n);
    assert.equal(milliValue(must('250000n')), 1n);
    assert.equal(milliValue(must('-1u')), -1n);
    assert.equal(milliValue(must('1.5')), 1500n);
  });

  it('count as numbers, with anything that is not a quantity as 0', () => {
    assert.equal(milliValueOf('100m'), 100);
    assert.equal(milliValueOf('100m'), 100, 'memoized text gives the same answer');
    assert.equal(milliValueOf(3), 3000);
    assert.equal(unitValueOf('128Mi'), 128 * 1024 * 1024);
    assert.equal(unitValueOf('100m'), 1);
    assert.equal(unitValueOf('lots'), 0);
    assert.equal(milliValueOf(''), 0);
    assert.equal(unitValueOf(undefined), 0);
  });
});
