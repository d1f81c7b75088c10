/** Tests of RFC 6902 JSON patch: every operation, the RFC's examples, the error kinds and wording. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatchError } from './errors.js';
import type { Json } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { deepFreeze } from './testing.js';

function apply(doc: Json, ops: Json): Json {
  return applyJsonPatch(deepFreeze(doc), deepFreeze(ops));
}

function failure(doc: Json, ops: unknown): PatchError {
  try {
    applyJsonPatch(deepFreeze(doc), ops);
  } catch (err) {
    assert.ok(err instanceof PatchError, `expected a PatchError, got ${String(err)}`);
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(ops)}`);
}

describe('applyJsonPatch: the examples of RFC 6902 appendix A', () => {
  it('adds an object member', () => {
    assert.deepEqual(apply({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), {
      baz: 'qux',
      foo: 'bar',
    });
  });
  it('adds a list element', () => {
    assert.deepEqual(apply({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), {
      foo: ['bar', 'qux', 'baz'],
    });
  });
  it('removes an object member', () => {
    assert.deepEqual(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }]), { foo: 'bar' });
  });
  it('removes a list element', () => {
    assert.deepEqual(apply({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }]), {
      foo: ['bar', 'baz'],
    });
  });
  it('replaces a value', () => {
    assert.deepEqual(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }]), {
      baz: 'boo',
      foo: 'bar',
    });
  });
  it('moves a value', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    assert.deepEqual(apply(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]), {
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
  });
  it('moves a list element (removal first, then insertion)', () => {
    const doc = { foo: ['all', 'grass', 'cows', 'eat'] };
    assert.deepEqual(apply(doc, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]), {
      foo: ['all', 'cows', 'eat', 'grass'],
    });
  });
  it('passes tests that hold', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    const ops: Json = [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ];
    assert.deepEqual(apply(doc, ops), doc);
  });
  it('fails a test that does not hold', () => {
    const err = failure({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]);
    assert.equal(err.kind, 'conflict');
    assert.equal(err.message, 'testing value /baz failed: test failed');
  });
  it('adds a nested object', () => {
    assert.deepEqual(apply({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]), {
      foo: 'bar',
      child: { grandchild: {} },
    });
  });
  it('ignores members it does not know', () => {
    assert.deepEqual(apply({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }]), {
      foo: 'bar',
      baz: 'qux',
    });
  });
  it('refuses to add below a missing member', () => {
    const err = failure({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]);
    assert.equal(err.kind, 'conflict');
    assert.equal(err.message, 'add operation does not apply: doc is missing path: "/baz/bat": missing value');
  });
  it('decodes ~01 as ~1, not as /', () => {
    assert.deepEqual(apply({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }]), {
      '/': 9,
      '~1': 10,
    });
    assert.equal(failure({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]).kind, 'conflict');
  });
  it('appends a list value with -', () => {
    assert.deepEqual(apply({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]), {
      foo: ['bar', ['abc', 'def']],
    });
  });
});

describe('applyJsonPatch: operations', () => {
  it('replaces what kubectl rollout undo replaces', () => {
    const doc = {
      metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '2' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'x:2' }] } } },
    };
    const ops: Json = [
      {
        op: 'replace',
        path: '/spec/template',
        value: { spec: { containers: [{ name: 'app', image: 'x:1' }] } },
      },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
    ];
    assert.deepEqual(apply(doc, ops), {
      metadata: { name: 'web', annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'x:1' }] } } },
    });
  });
  it('unescapes ~1 and ~0 in keys', () => {
    const doc = { metadata: { labels: { 'app.kubernetes.io/name': 'a', 'x~y': 'b' } } };
    const ops: Json = [
      { op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' },
      { op: 'replace', path: '/metadata/labels/x~0y', value: 'c' },
    ];
    assert.deepEqual(apply(doc, ops), { metadata: { labels: { 'x~y': 'c' } } });
  });
  it('replaces and adds at the root', () => {
    assert.deepEqual(apply({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
    assert.deepEqual(apply({ a: 1 }, [{ op: 'add', path: '', value: [1] }]), [1]);
  });
  it('tests the root and whole subtrees regardless of key order', () => {
    const doc = { a: { x: 1, y: [1, { z: null }] } };
    assert.deepEqual(
      apply(doc, [{ op: 'test', path: '', value: { a: { y: [1, { z: null }], x: 1 } } }]),
      doc,
    );
    assert.equal(failure(doc, [{ op: 'test', path: '/a/y', value: [{ z: null }, 1] }]).kind, 'conflict');
  });
  it('copies deeply, so later changes to the copy leave the source alone', () => {
    const doc = { a: { b: [1] } };
    const ops: Json = [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'add', path: '/c/b/-', value: 2 },
    ];
    assert.deepEqual(apply(doc, ops), { a: { b: [1] }, c: { b: [1, 2] } });
  });
  it('copies into a list position', () => {
    assert.deepEqual(apply({ l: ['a', 'b'] }, [{ op: 'copy', from: '/l/1', path: '/l/0' }]), {
      l: ['b', 'a', 'b'],
    });
  });
  it('moves to the same place as a no-op', () => {
    assert.deepEqual(apply({ a: 1 }, [{ op: 'move', from: '/a', path: '/a' }]), { a: 1 });
  });
  it('accepts negative list indexes counted from the end, as Kubernetes does', () => {
    assert.deepEqual(apply({ l: [1, 2, 3] }, [{ op: 'remove', path: '/l/-1' }]), { l: [1, 2] });
    assert.deepEqual(apply({ l: [1, 2, 3] }, [{ op: 'replace', path: '/l/-3', value: 0 }]), { l: [0, 2, 3] });
  });
  it('adds at the end of a list by index', () => {
    assert.deepEqual(apply({ l: [1] }, [{ op: 'add', path: '/l/1', value: 2 }]), { l: [1, 2] });
  });
  it('stores a key named __proto__ as data', () => {
    const out = apply({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<
      string,
      unknown
    >;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
  it('applies the operations in order and stops at the first failure', () => {
    const err = failure({ a: 1 }, [
      { op: 'replace', path: '/a', value: 2 },
      { op: 'test', path: '/a', value: 1 },
    ]);
    assert.equal(err.message, 'testing value /a failed: test failed');
  });
  it('never mutates the document or the operations, and shares nothing with them', () => {
    const value = { nested: [1] };
    const doc = { keep: { deep: [1, 2] }, l: [1] };
    const out = applyJsonPatch(deepFreeze(doc), deepFreeze([{ op: 'add', path: '/v', value }])) as {
      keep: { deep: number[] };
      v: { nested: number[] };
    };
    assert.notEqual(out.keep, doc.keep);
    assert.notEqual(out.v, value);
    out.keep.deep.push(3);
    out.v.nested.push(2);
    assert.deepEqual(doc, { keep: { deep: [1, 2] }, l: [1] });
  });
});

describe('applyJsonPatch: operations that do not apply are conflicts', () => {
  const cases: [string, Json, Json, string][] = [
    [
      'replace of a missing key',
      { spec: {} },
      [{ op: 'replace', path: '/spec/foo', value: 1 }],
      'replace operation does not apply: doc is missing path: /spec/foo: missing value',
    ],
    [
      'replace below a missing key',
      {},
      [{ op: 'replace', path: '/spec/foo', value: 1 }],
      'replace operation does not apply: doc is missing path: /spec/foo: missing value',
    ],
    [
      'remove of a missing key',
      { a: {} },
      [{ op: 'remove', path: '/a/b' }],
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
    ],
    [
      'remove below a missing key',
      {},
      [{ op: 'remove', path: '/a/b' }],
      'remove operation does not apply: doc is missing path: "/a/b": missing value',
    ],
    [
      'remove past the end of a list',
      { l: [1] },
      [{ op: 'remove', path: '/l/1' }],
      "error in remove for path: '/l/1': Unable to access invalid index: 1: invalid index referenced",
    ],
    [
      'remove of the root',
      {},
      [{ op: 'remove', path: '' }],
      'remove operation does not apply: doc is missing path: "": missing value',
    ],
    [
      'add past the end of a list',
      { l: [1] },
      [{ op: 'add', path: '/l/3', value: 1 }],
      "error in add for path: '/l/3': Unable to access invalid index: 3: invalid index referenced",
    ],
    [
      'add with a non-numeric list index',
      { l: [1] },
      [{ op: 'add', path: '/l/x', value: 1 }],
      "error in add for path: '/l/x': Unable to access invalid index: x: invalid index referenced",
    ],
    [
      'add with a leading zero',
      { l: [1, 2] },
      [{ op: 'add', path: '/l/01', value: 1 }],
      "error in add for path: '/l/01': Unable to access invalid index: 01: invalid index referenced",
    ],
    [
      'add below a string',
      { a: 's' },
      [{ op: 'add', path: '/a/b', value: 1 }],
      'add operation does not apply: doc is missing path: "/a/b": missing value',
    ],
    [
      'move from a missing key',
      {},
      [{ op: 'move', from: '/x', path: '/y' }],
      'move operation does not apply: doc is missing from path: /x: missing value',
    ],
    [
      'move into its own child',
      { a: { b: 1 } },
      [{ op: 'move', from: '/a', path: '/a/b/c' }],
      'move operation does not apply: doc is missing destination path: /a/b/c: missing value',
    ],
    [
      'copy from a missing key',
      {},
      [{ op: 'copy', from: '/x', path: '/y' }],
      'copy operation does not apply: doc is missing from path: /x: missing value',
    ],
    [
      'copy to below a missing key',
      { x: 1 },
      [{ op: 'copy', from: '/x', path: '/y/z' }],
      'copy operation does not apply: doc is missing destination path: /y/z: missing value',
    ],
    [
      'test of a missing key',
      {},
      [{ op: 'test', path: '/x', value: null }],
      'testing value /x failed: test failed',
    ],
    [
      'test below a missing key',
      {},
      [{ op: 'test', path: '/x/y', value: 1 }],
      'test operation does not apply: is missing path: /x/y: missing value',
    ],
    [
      'test of - in a list',
      { l: [1] },
      [{ op: 'test', path: '/l/-', value: 1 }],
      'testing value /l/- failed: test failed',
    ],
  ];
  for (const [name, doc, ops, message] of cases) {
    it(name, () => {
      const err = failure(doc, ops);
      assert.equal(err.kind, 'conflict');
      assert.equal(err.message, message);
    });
  }
});

describe('applyJsonPatch: malformed patches are invalid', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'an object instead of a list',
      { op: 'add', path: '/a', value: 1 },
      /expected a list of operations, got object/,
    ],
    ['null', null, /expected a list of operations, got null/],
    ['an operation that is not an object', ['add'], /operation 0 is a string, not an object/],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }], /^Unexpected kind: frobnicate$/],
    ['a missing op', [{ path: '/a' }], /^Unexpected kind: unknown$/],
    [
      'a missing path',
      [{ op: 'remove' }],
      /^remove operation failed to decode path: operation missing path field/,
    ],
    ['a path that is not a string', [{ op: 'remove', path: 3 }], /expected a string, got number/],
    ['a path without a leading slash', [{ op: 'remove', path: 'a/b' }], /invalid JSON pointer "a\/b"/],
    ['a missing from', [{ op: 'move', path: '/a' }], /^move operation failed to decode from: /],
    ['a missing value', [{ op: 'add', path: '/a' }], /^add operation, missing value field: missing value$/],
    ['a test without value', [{ op: 'test', path: '/a' }], /^test operation, missing value field/],
  ];
  for (const [name, ops, message] of cases) {
    it(name, () => {
      const err = failure({ a: 1 }, ops);
      assert.equal(err.kind, 'invalid');
      assert.match(err.message, message);
    });
  }
  it('checks the whole patch before applying any of it', () => {
    const err = failure({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }, { op: 'bogus' }]);
    assert.equal(err.kind, 'invalid');
  });
  it('accepts an empty patch', () => {
    assert.deepEqual(apply({ a: 1 }, []), { a: 1 });
  });
});
