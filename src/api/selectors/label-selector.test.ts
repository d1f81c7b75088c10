/** Tests of label matching, the special selectors, and building requirements by hand. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../validation/field-error.js';
import { parseLabelSelector } from './label-parser.js';
import { newRequirement, requirementToString } from './label-requirement.js';
import { everything, nothing, selectorFromSet } from './label-selector.js';

const sel = (s: string, labels: Record<string, string> | undefined) => parseLabelSelector(s).matches(labels);

describe('LabelSelector.matches', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };

  it('matches equality and inequality', () => {
    assert.ok(sel('app=web', labels));
    assert.ok(sel('app==web', labels));
    assert.ok(!sel('app=db', labels));
    assert.ok(sel('app!=db', labels));
    assert.ok(sel('missing!=x', labels), 'a missing key satisfies !=');
    assert.ok(!sel('missing=x', labels));
  });

  it('matches sets', () => {
    assert.ok(sel('tier in (front,back)', labels));
    assert.ok(!sel('tier in (back)', labels));
    assert.ok(sel('tier notin (back)', labels));
    assert.ok(sel('missing notin (x)', labels));
    assert.ok(!sel('missing in (x)', labels));
    assert.ok(sel('missing in (x,)', { missing: '' }));
  });

  it('matches existence', () => {
    assert.ok(sel('app', labels));
    assert.ok(!sel('!app', labels));
    assert.ok(sel('!missing', labels));
    assert.ok(!sel('missing', labels));
  });

  it('compares integers for gt and lt', () => {
    assert.ok(sel('n>4', labels));
    assert.ok(!sel('n>5', labels));
    assert.ok(sel('n<6', labels));
    assert.ok(!sel('app>1', labels), 'a non-integer label never matches');
    assert.ok(!sel('missing<1', labels));
    assert.ok(sel('n<9223372036854775807', labels));
    assert.ok(!sel('n>1', { n: '9223372036854775808' }), 'out of int64 range');
  });

  it('requires every requirement', () => {
    assert.ok(sel('app=web,tier=front', labels));
    assert.ok(!sel('app=web,tier=back', labels));
  });

  it('handles keys that name Object properties', () => {
    assert.ok(sel('constructor=toString', { constructor: 'toString' }));
    assert.ok(!sel('constructor', {}));
    assert.ok(!sel('hasOwnProperty', {}));
    assert.throws(() => parseLabelSelector('__proto__=x'), /name part must consist/);
    assert.equal(
      parseLabelSelector('toString in (hasOwnProperty)').toString(),
      'toString in (hasOwnProperty)',
    );
  });

  it('treats absent labels as an empty set', () => {
    assert.ok(sel('', undefined));
    assert.ok(sel('!app', undefined));
    assert.ok(!sel('app', undefined));
  });
});

describe('special selectors', () => {
  it('everything is empty and matches all', () => {
    assert.ok(everything().empty);
    assert.ok(everything().matches({}));
    assert.equal(everything().toString(), '');
  });

  it('nothing is not empty and matches none', () => {
    const n = nothing();
    assert.ok(n.nothing);
    assert.ok(!n.empty);
    assert.ok(!n.matches({}));
    assert.equal(n.toString(), '');
    assert.ok(!n.add({ key: 'a', operator: 'exists', values: [] }).matches({ a: '' }));
  });

  it('selectorFromSet requires each pair', () => {
    const s = selectorFromSet({ b: '2', a: '1' });
    assert.equal(s.toString(), 'a=1,b=2');
    assert.ok(s.matches({ a: '1', b: '2', c: '3' }));
    assert.ok(selectorFromSet({}).empty);
    assert.ok(selectorFromSet(undefined).empty);
  });
});

describe('requiresExactMatch', () => {
  it('finds = == and single-value in', () => {
    assert.equal(parseLabelSelector('a=1,b!=2').requiresExactMatch('a'), '1');
    assert.equal(parseLabelSelector('a==1').requiresExactMatch('a'), '1');
    assert.equal(parseLabelSelector('a in (1)').requiresExactMatch('a'), '1');
    assert.equal(parseLabelSelector('a in (1,2)').requiresExactMatch('a'), undefined);
    assert.equal(parseLabelSelector('b!=2').requiresExactMatch('b'), undefined);
    assert.equal(parseLabelSelector('b=2').requiresExactMatch('a'), undefined);
  });
});

describe('newRequirement', () => {
  const msgs = (key: string, op: string, values: string[], path?: string) =>
    newRequirement(key, op, values, path).errors.map(formatFieldError);

  it('checks value counts per operator', () => {
    assert.deepEqual(msgs('a', 'in', []), [
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    ]);
    assert.deepEqual(msgs('a', '=', ['x', 'y']), [
      'values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value',
    ]);
    assert.deepEqual(msgs('a', 'exists', ['x']), [
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    ]);
    assert.deepEqual(msgs('a', 'gt', ['1', '2']), [
      'values: Invalid value: []string{"1", "2"}: for \'Gt\', \'Lt\' operators, exactly one value is required',
    ]);
  });

  it('rejects unknown operators and bad keys, under the given path', () => {
    assert.deepEqual(msgs('a', 'like', ['x']), [
      'operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    ]);
    assert.match(
      msgs('-a', 'exists', [], 'spec.selector')[0] ?? '',
      /^spec\.selector\.key: Invalid value: "-a": name part/,
    );
  });

  it('prints set values sorted without changing the requirement', () => {
    const { requirement } = newRequirement('a', 'notin', ['z', 'b']);
    assert.equal(requirementToString(requirement), 'a notin (b,z)');
    assert.deepEqual(requirement.values, ['z', 'b']);
  });
});
