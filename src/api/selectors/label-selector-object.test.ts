/** Tests of the structured (metav1.LabelSelector) form: null, empty, conversion, validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../validation/field-error.js';
import { SelectorError } from './errors.js';
import {
  type LabelSelectorObject,
  labelSelectorFromObject,
  validateLabelSelector,
} from './label-selector-object.js';

function causes(sel: unknown): string[] {
  return validateLabelSelector(sel, 'spec.selector').map(formatFieldError);
}

describe('labelSelectorFromObject', () => {
  it('selects nothing for null or undefined', () => {
    for (const s of [null, undefined]) {
      const sel = labelSelectorFromObject(s);
      assert.ok(sel.nothing);
      assert.ok(!sel.empty);
      assert.ok(!sel.matches({}));
      assert.ok(!sel.matches({ app: 'web' }));
    }
  });

  it('selects everything for {} and empty parts', () => {
    for (const s of [{}, { matchLabels: {} }, { matchExpressions: [] }]) {
      const sel = labelSelectorFromObject(s);
      assert.ok(sel.empty);
      assert.ok(!sel.nothing);
      assert.ok(sel.matches({ anything: 'x' }));
      assert.ok(sel.matches(undefined));
    }
  });

  it('combines matchLabels and matchExpressions', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(sel.toString(), 'app=web,env notin (prod),!legacy,team,tier in (edge,front)');
    assert.ok(sel.matches({ app: 'web', tier: 'front', team: 'a' }));
    assert.ok(!sel.matches({ app: 'web', tier: 'front', team: 'a', legacy: '1' }));
    assert.ok(!sel.matches({ app: 'web', tier: 'front', team: 'a', env: 'prod' }));
    assert.equal(sel.requiresExactMatch('app'), 'web');
  });

  it('throws field errors for an invalid selector', () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'Foo' }] } as unknown as LabelSelectorObject;
    try {
      labelSelectorFromObject(bad, 'spec.selector');
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof SelectorError);
      assert.equal(
        err.message,
        'spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a valid selector operator',
      );
      assert.equal(err.causes.length, 1);
      assert.equal(err.causes[0]?.type, 'FieldValueInvalid');
      assert.equal(err.causes[0]?.field, 'spec.selector.matchExpressions[0].operator');
    }
  });
});

describe('validateLabelSelector', () => {
  it('accepts null and valid selectors', () => {
    assert.deepEqual(causes(null), []);
    assert.deepEqual(causes({ matchLabels: { 'app.kubernetes.io/name': 'web' } }), []);
  });

  it('requires values for In and NotIn and forbids them for Exists', () => {
    assert.deepEqual(causes({ matchExpressions: [{ key: 'a', operator: 'In' }] }), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
    assert.deepEqual(causes({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), [
      "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    ]);
  });

  it('checks keys and values', () => {
    assert.match(
      causes({ matchExpressions: [{ key: '-a', operator: 'Exists' }] })[0] ?? '',
      /^spec\.selector\.matchExpressions\[0\]\.key: Invalid value: "-a": name part must consist/,
    );
    assert.match(
      causes({ matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'bad value'] }] })[0] ?? '',
      /^spec\.selector\.matchExpressions\[0\]\.values\[1\]: Invalid value: "bad value": a valid label must be/,
    );
    assert.match(
      causes({ matchLabels: { a: 'bad value' } })[0] ?? '',
      /^spec\.selector\.matchLabels: Invalid value: "bad value"/,
    );
    assert.match(
      causes({ matchLabels: { '-bad/x': 'v' } })[0] ?? '',
      /^spec\.selector\.matchLabels: Invalid value: "-bad\/x": prefix part/,
    );
  });
});
