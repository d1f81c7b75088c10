/** Checks the field check behind fieldValidation=Strict against the generated schemas. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUnknownFields, knownFields } from './index.js';

function deployment(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'web' }) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
}

describe('findUnknownFields', () => {
  it('accepts a correct object, map keys and list items', () => {
    const obj = deployment(
      {
        replicas: 2,
        selector: { matchLabels: { app: 'web', 'example.com/any-key': 'x' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 }, type: 'RollingUpdate' },
        template: {
          metadata: { annotations: { 'a/b': 'c' }, labels: { app: 'web' } },
          spec: {
            containers: [
              {
                env: [{ name: 'A', value: '1' }],
                image: 'nginx',
                name: 'web',
                ports: [{ containerPort: 80 }],
                resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: 0.5 } },
              },
            ],
            nodeSelector: { disk: 'ssd' },
          },
        },
      },
      { labels: { app: 'web' }, name: 'web', namespace: 'default' },
    );
    assert.deepEqual(findUnknownFields(obj, 'apps', 'v1', 'Deployment'), []);
    const cm = {
      apiVersion: 'v1',
      binaryData: { b: 'AA==' },
      data: { 'any.key': 'v', other: 'w' },
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    };
    assert.deepEqual(findUnknownFields(cm, '', 'v1', 'ConfigMap'), []);
  });

  it('finds typos at several depths, named like upstream', () => {
    const obj = deployment(
      {
        replicass: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: {
            containers: [
              { image: 'a', name: 'a' },
              { imagee: 'b', name: 'b', ports: [{ containerPort: 80, hostPortt: 1 }] },
            ],
          },
        },
      },
      { labelz: {}, name: 'web' },
    );
    assert.deepEqual(findUnknownFields(obj, 'apps', 'v1', 'Deployment'), [
      'metadata.labelz',
      'spec.replicass',
      'spec.template.spec.containers[1].imagee',
      'spec.template.spec.containers[1].ports[0].hostPortt',
    ]);
    assert.deepEqual(
      findUnknownFields({ apiVersion: 'v1', data: {}, datum: {}, kind: 'ConfigMap' }, '', 'v1', 'ConfigMap'),
      ['datum'],
    );
  });

  it('accepts anything under free-form and preserve-unknown-fields schemas, but checks JSON schemas', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            schema: {
              openAPIV3Schema: {
                properties: {
                  spec: {
                    default: { anything: { goes: [1] } },
                    items: { properties: { a: { type: 'string' } }, typo: true, type: 'object' },
                    type: 'object',
                    'x-kubernetes-preserve-unknown-fields': true,
                  },
                },
                type: 'object',
              },
            },
            served: true,
            storage: true,
          },
        ],
      },
    };
    assert.deepEqual(findUnknownFields(crd, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'), [
      'spec.versions[0].schema.openAPIV3Schema.properties.spec.items.typo',
    ]);
    const rev = {
      apiVersion: 'apps/v1',
      data: { whatever: { x: 1 } },
      kind: 'ControllerRevision',
      revision: 1,
    };
    assert.deepEqual(findUnknownFields(rev, 'apps', 'v1', 'ControllerRevision'), []);
  });

  it('returns nothing for kinds without a schema or non-objects', () => {
    assert.deepEqual(findUnknownFields({ foo: 1 }, 'example.com', 'v1', 'Widget'), []);
    assert.deepEqual(findUnknownFields('text', '', 'v1', 'Pod'), []);
    assert.deepEqual(findUnknownFields({ spec: 'not an object' }, '', 'v1', 'Pod'), []);
  });

  it('lists the known top-level fields of a kind', () => {
    assert.deepEqual(knownFields('', 'v1', 'ConfigMap')?.sort(), [
      'apiVersion',
      'binaryData',
      'data',
      'immutable',
      'kind',
      'metadata',
    ]);
    assert.equal(knownFields('example.com', 'v1', 'Widget'), undefined);
  });
});
