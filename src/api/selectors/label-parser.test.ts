/** Tests of the label-selector string syntax: every grammar rule and every error text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SelectorError } from './errors.js';
import { parseLabelRequirements, parseLabelSelector } from './label-parser.js';

const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function refusal(s: string): string {
  try {
    parseLabelSelector(s);
  } catch (err) {
    assert.ok(err instanceof SelectorError, `expected a SelectorError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`"${s}" was accepted`);
}

function canonical(s: string): string {
  return parseLabelSelector(s).toString();
}

describe('parseLabelSelector: accepted forms', () => {
  it('parses equality, inequality and set requirements', () => {
    assert.deepEqual(parseLabelRequirements('a=b'), [{ key: 'a', operator: '=', values: ['b'] }]);
    assert.deepEqual(parseLabelRequirements('a==b'), [{ key: 'a', operator: '==', values: ['b'] }]);
    assert.deepEqual(parseLabelRequirements('a!=b'), [{ key: 'a', operator: '!=', values: ['b'] }]);
    assert.deepEqual(parseLabelRequirements('a in (y,x)'), [
      { key: 'a', operator: 'in', values: ['x', 'y'] },
    ]);
    assert.deepEqual(parseLabelRequirements('a notin (x)'), [{ key: 'a', operator: 'notin', values: ['x'] }]);
    assert.deepEqual(parseLabelRequirements('a'), [{ key: 'a', operator: 'exists', values: [] }]);
    assert.deepEqual(parseLabelRequirements('!a'), [{ key: 'a', operator: '!', values: [] }]);
    assert.deepEqual(parseLabelRequirements('a>1'), [{ key: 'a', operator: 'gt', values: ['1'] }]);
    assert.deepEqual(parseLabelRequirements('a<10'), [{ key: 'a', operator: 'lt', values: ['10'] }]);
  });

  it('sorts requirements by key and prints them canonically', () => {
    assert.equal(canonical('i<2,h>1,f==g,d!=e,c,!b,a notin (x)'), 'a notin (x),!b,c,d!=e,f==g,h>1,i<2');
  });

  it('tolerates whitespace anywhere between tokens', () => {
    assert.equal(canonical('  a = b ,  c  in ( y , x )  '), 'a=b,c in (x,y)');
    assert.equal(canonical('a\t!=\nb'), 'a!=b');
  });

  it('treats empty input as everything', () => {
    assert.ok(parseLabelSelector('').empty);
    assert.ok(parseLabelSelector('   ').empty);
  });

  it('accepts empty values', () => {
    assert.deepEqual(parseLabelRequirements('a='), [{ key: 'a', operator: '=', values: [''] }]);
    assert.deepEqual(parseLabelRequirements('a=,b')[0], { key: 'a', operator: '=', values: [''] });
    assert.deepEqual(parseLabelRequirements('a in ()')[0]?.values, ['']);
    assert.deepEqual(parseLabelRequirements('a in (x,,y)')[0]?.values, ['', 'x', 'y']);
    assert.deepEqual(parseLabelRequirements('a in (,x)')[0]?.values, ['', 'x']);
    assert.deepEqual(parseLabelRequirements('a in (x,)')[0]?.values, ['', 'x']);
    assert.deepEqual(parseLabelRequirements('a in (x,x)')[0]?.values, ['x']);
  });

  it('lets in and notin be keys and values', () => {
    assert.deepEqual(parseLabelRequirements('in in (in,notin)'), [
      { key: 'in', operator: 'in', values: ['in', 'notin'] },
    ]);
    assert.deepEqual(parseLabelRequirements('notin=in'), [{ key: 'notin', operator: '=', values: ['in'] }]);
  });

  it('accepts prefixed keys', () => {
    assert.equal(canonical('app.kubernetes.io/name=web'), 'app.kubernetes.io/name=web');
  });
});

describe('parseLabelSelector: refusals', () => {
  it('reports an unfinished set', () => {
    assert.equal(
      refusal('a in ('),
      "unable to parse requirement: found '', expected: ',', ')' or identifier",
    );
    assert.equal(refusal('a in (x'), "unable to parse requirement: found '', expected: ',' or ')'");
    assert.equal(refusal('a in (x y)'), "unable to parse requirement: found 'y', expected: ',' or ')'");
    assert.equal(
      refusal('a in (x,='),
      "unable to parse requirement: found '=', expected: ',', or identifier",
    );
    assert.equal(refusal('a in x'), "unable to parse requirement: found 'x' expected: '('");
  });

  it('reports a missing key', () => {
    assert.equal(refusal('=b'), "found '=', expected: !, identifier, or 'end of string'");
    assert.equal(refusal('!'), "unable to parse requirement: found '', expected: identifier");
    assert.equal(refusal('!=a'), "found '!=', expected: !, identifier, or 'end of string'");
  });

  it('reports what follows a complete requirement', () => {
    assert.equal(refusal('a==b==c'), "found '==', expected: ',' or 'end of string'");
    assert.equal(refusal('a=b c'), "found 'c', expected: ',' or 'end of string'");
    assert.equal(refusal('!a=b'), "found '=', expected: ',' or 'end of string'");
    assert.equal(refusal('a,'), "found '', expected: identifier after ','");
    assert.equal(refusal('a,,b'), "found ',', expected: identifier after ','");
  });

  it('reports a bad operator or value token', () => {
    assert.equal(
      refusal('a b'),
      "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(
      refusal('a!b'),
      "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt",
    );
    assert.equal(refusal('a=(x)'), "unable to parse requirement: found '(', expected: identifier");
    assert.equal(refusal('a===b'), "unable to parse requirement: found '=', expected: identifier");
  });

  it('validates keys with a <nil> path, as upstream prints it', () => {
    assert.equal(
      refusal('-bad'),
      `unable to parse requirement: <nil>: Invalid value: "-bad": name part ${QNAME_MSG}`,
    );
    assert.match(
      refusal('-bad/x=y'),
      /^unable to parse requirement: <nil>: Invalid value: "-bad\/x": prefix part a lowercase RFC 1123 subdomain/,
    );
    assert.match(refusal(`${'k'.repeat(64)}=v`), /: name part must be no more than 63 characters$/);
  });

  it('validates values and gt/lt integers', () => {
    assert.equal(
      refusal('a=b$'),
      `unable to parse requirement: values[0][a]: Invalid value: "b$": ${VALUE_MSG}`,
    );
    assert.equal(
      refusal('a>b'),
      "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer",
    );
    assert.equal(
      refusal('a>-1'),
      `unable to parse requirement: values[0][a]: Invalid value: "-1": ${VALUE_MSG}`,
    );
    assert.equal(
      refusal('a<x$'),
      `unable to parse requirement: [values[0]: Invalid value: "x$": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "x$": ${VALUE_MSG}]`,
    );
    assert.match(refusal(`a=${'v'.repeat(64)}`), /: must be no more than 63 characters$/);
  });

  it('stops at a NUL character', () => {
    assert.equal(canonical('a=b\0,!!!'), 'a=b');
  });
});
