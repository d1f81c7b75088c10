/** Tests of field-selector parsing, escaping, matching and printing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SelectorError } from './errors.js';
import { escapeFieldValue, parseFieldSelector, unescapeFieldValue } from './field-selector.js';

function refusal(s: string): string {
  try {
    parseFieldSelector(s);
  } catch (err) {
    assert.ok(err instanceof SelectorError, `expected a SelectorError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`"${s}" was accepted`);
}

describe('parseFieldSelector', () => {
  it('parses =, == and != terms, sorted', () => {
    assert.deepEqual(parseFieldSelector('status.phase!=Running,metadata.name=foo').requirements, [
      { field: 'metadata.name', operator: '=', value: 'foo' },
      { field: 'status.phase', operator: '!=', value: 'Running' },
    ]);
    assert.deepEqual(parseFieldSelector('a==b').requirements, [{ field: 'a', operator: '=', value: 'b' }]);
    assert.equal(parseFieldSelector('b!=2,a==1').toString(), 'a=1,b!=2');
  });

  it('accepts empty values and skips empty terms', () => {
    assert.deepEqual(parseFieldSelector('spec.nodeName=').requirements, [
      { field: 'spec.nodeName', operator: '=', value: '' },
    ]);
    assert.ok(parseFieldSelector('').empty);
    assert.ok(parseFieldSelector(',').empty);
    assert.equal(parseFieldSelector(',a=b,').requirements.length, 1);
  });

  it('unescapes \\, \\= and \\\\ in values and escapes them back', () => {
    const sel = parseFieldSelector('a=x\\,y\\=z\\\\w,b=c');
    assert.deepEqual(sel.requirements[0], { field: 'a', operator: '=', value: 'x,y=z\\w' });
    assert.equal(sel.toString(), 'a=x\\,y\\=z\\\\w,b=c');
    assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
    assert.equal(unescapeFieldValue('plain'), 'plain');
  });

  it('splits the term at the first operator', () => {
    assert.deepEqual(parseFieldSelector('a!b=c').requirements, [{ field: 'a!b', operator: '=', value: 'c' }]);
  });

  it('refuses terms without an operator', () => {
    assert.equal(refusal('a'), "invalid selector: 'a'; can't understand 'a'");
    assert.equal(refusal('x=1,a'), "invalid selector: 'x=1,a'; can't understand 'a'");
  });

  it('refuses unescaped = and bad escapes, as upstream words them', () => {
    assert.equal(refusal('a==b==c'), 'invalid field selector: unescaped character in value: 61');
    assert.equal(refusal('a=b=c'), 'invalid field selector: unescaped character in value: 61');
    assert.equal(refusal('a=b\\x'), 'invalid field selector: invalid escape sequence: \\x');
    assert.equal(refusal('a=b\\'), 'invalid field selector: invalid escape sequence: \\');
  });
});

describe('FieldSelector.matches', () => {
  const fields = { 'metadata.name': 'web', 'status.phase': 'Running' };

  it('requires every term', () => {
    assert.ok(parseFieldSelector('metadata.name=web').matches(fields));
    assert.ok(parseFieldSelector('metadata.name=web,status.phase!=Pending').matches(fields));
    assert.ok(!parseFieldSelector('metadata.name=web,status.phase=Pending').matches(fields));
    assert.ok(parseFieldSelector('').matches(fields));
  });

  it('reads absent fields as ""', () => {
    assert.ok(parseFieldSelector('spec.nodeName=').matches(fields));
    assert.ok(!parseFieldSelector('spec.nodeName!=').matches(fields));
  });

  it('exposes exact matches for indexing', () => {
    const sel = parseFieldSelector('spec.nodeName!=a,spec.nodeName=n1');
    assert.equal(sel.requiresExactMatch('spec.nodeName'), 'n1');
    assert.equal(sel.requiresExactMatch('metadata.name'), undefined);
  });
});
