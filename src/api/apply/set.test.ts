import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldElement as f, keyElement, type Path, pathString } from './path.js';
import { FieldSet } from './set.js';

const p = (...names: string[]): Path => names.map((n) => f(n));
const strs = (s: FieldSet) => s.paths().map(pathString);

describe('FieldSet', () => {
  it('inserts, finds and lists paths, members of a level before its children', () => {
    const s = FieldSet.of(p('spec', 'replicas'), p('metadata', 'labels', 'app'), p('spec'), p('apiVersion'));
    assert.ok(s.has(p('spec')));
    assert.ok(s.has(p('spec', 'replicas')));
    assert.ok(!s.has(p('metadata')));
    assert.ok(!s.has([]));
    assert.deepEqual(strs(s), ['.apiVersion', '.spec', '.metadata.labels.app', '.spec.replicas']);
  });

  it('unions, intersects and subtracts exact paths', () => {
    const a = FieldSet.of(p('a', 'b'), p('a', 'c'), p('d'));
    const b = FieldSet.of(p('a', 'c'), p('e'));
    assert.deepEqual(strs(a.union(b)), ['.d', '.e', '.a.b', '.a.c']);
    assert.deepEqual(strs(a.intersection(b)), ['.a.c']);
    assert.deepEqual(strs(a.difference(b)), ['.d', '.a.b']);
    assert.ok(a.intersection(FieldSet.of(p('z'))).isEmpty());
  });

  it('difference keeps what lies below a removed member; recursiveDifference drops it', () => {
    const a = FieldSet.of(p('status', 'replicas'), p('spec', 'replicas'), p('status'));
    const ignore = FieldSet.of(p('status'));
    assert.deepEqual(strs(a.difference(ignore)), ['.spec.replicas', '.status.replicas']);
    assert.deepEqual(strs(a.recursiveDifference(ignore)), ['.spec.replicas']);
  });

  it('treats key elements by value, whatever the order of their fields', () => {
    const k1 = keyElement([
      ['port', 80],
      ['protocol', 'TCP'],
    ]);
    const k2 = keyElement([
      ['protocol', 'TCP'],
      ['port', 80],
    ]);
    const s = FieldSet.of([f('ports'), k1, f('name')]);
    assert.ok(s.has([f('ports'), k2, f('name')]));
    assert.ok(s.equals(FieldSet.of([f('ports'), k2, f('name')])));
  });
});
