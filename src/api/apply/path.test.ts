import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareElements,
  fieldElement,
  indexElement,
  keyElement,
  PathElementSyntaxError,
  parseElement,
  pathString,
  serializeElement,
  valueElement,
} from './path.js';

describe('path elements', () => {
  it('round-trips the fieldsV1 key forms', () => {
    for (const s of [
      'f:spec',
      'k:{"name":"my-container"}',
      'k:{"port":"8080","protocol":"TCP"}',
      'k:{"optionalField":null}',
      'k:{"jsonField":{"A":1,"B":null,"C":"D","E":{"F":"G"}}}',
      'k:{"listField":["1","2","3"]}',
      'v:"some-string"',
      'v:{"some":"json"}',
      'v:80',
      'i:3',
    ]) {
      const pe = parseElement(s);
      assert.ok(pe, s);
      assert.equal(serializeElement(pe), s);
    }
  });

  it('sorts key fields by name and escapes as Go does', () => {
    assert.equal(
      serializeElement(
        keyElement([
          ['protocol', 'TCP'],
          ['containerPort', 80],
        ]),
      ),
      'k:{"containerPort":80,"protocol":"TCP"}',
    );
    assert.equal(
      serializeElement(parseElement('k:{"protocol":"TCP","port":80}')!),
      'k:{"port":80,"protocol":"TCP"}',
    );
    assert.equal(serializeElement(valueElement('a<b&c>')), 'v:"a\\u003cb\\u0026c\\u003e"');
  });

  it('skips unknown element types and rejects malformed ones', () => {
    assert.equal(parseElement('r:Hello'), undefined);
    assert.throws(() => parseElement('k:{"name":invalid}'), PathElementSyntaxError);
    assert.throws(() => parseElement('x'), PathElementSyntaxError);
    assert.throws(() => parseElement('i:one'), PathElementSyntaxError);
  });

  it('orders fields before keys before values before indexes', () => {
    const els = [
      indexElement(0),
      valueElement('a'),
      keyElement([['name', 'a']]),
      fieldElement('z'),
      fieldElement('a'),
    ];
    assert.deepEqual(els.sort(compareElements).map(serializeElement), [
      'f:a',
      'f:z',
      'k:{"name":"a"}',
      'v:"a"',
      'i:0',
    ]);
    assert.ok(compareElements(valueElement(2), valueElement(10)) < 0);
    assert.ok(compareElements(valueElement(10), valueElement('1')) < 0, 'numbers before strings');
  });

  it('prints paths as conflict messages do', () => {
    assert.equal(
      pathString([
        fieldElement('spec'),
        fieldElement('template'),
        fieldElement('spec'),
        fieldElement('containers'),
        keyElement([['name', 'web']]),
        fieldElement('image'),
      ]),
      '.spec.template.spec.containers[name="web"].image',
    );
    assert.equal(
      pathString([
        fieldElement('spec'),
        fieldElement('ports'),
        keyElement([
          ['protocol', 'TCP'],
          ['port', 80],
        ]),
      ]),
      '.spec.ports[port=80,protocol="TCP"]',
    );
    assert.equal(
      pathString([fieldElement('metadata'), fieldElement('finalizers'), valueElement('a/b')]),
      '.metadata.finalizers[="a/b"]',
    );
    assert.equal(pathString([fieldElement('args'), indexElement(2)]), '.args[2]');
  });
});
