import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplyError, apply, updateManagedFields } from './apply.js';
import { conflictCauses, conflictMessage } from './conflict.js';
import type { JsonObject } from './json.js';
import { applyOpts, deployment, entries, entry, ok, stored, T0, T1, T2, T3, updateOpts } from './testing.js';

const spec = (o: JsonObject) => o['spec'] as JsonObject & Record<string, unknown>;
const labels = (o: JsonObject) => (o['metadata'] as JsonObject)['labels'];

/** `kubectl apply --server-side` of `cfg` onto `live`. */
function ssa(live: JsonObject | undefined, cfg: JsonObject, now = T0, manager = 'kubectl', force = false) {
  return apply(live, cfg, manager, applyOpts(cfg, { now, force }));
}

/** A write by another client (`kubectl edit`, `kubectl scale`): `change` edits a copy. */
function edit(
  live: JsonObject,
  manager: string,
  change: (o: JsonObject) => void,
  now = T1,
  subresource?: string,
) {
  const next = structuredClone(live);
  change(next);
  return stored(updateManagedFields(live, next, manager, updateOpts(live, { now, subresource })).object);
}

describe('apply: creating with kubectl apply --server-side', () => {
  it('creates the object and records one Apply entry in the upstream format', () => {
    const cfg = deployment();
    const r = ssa(undefined, cfg);
    assert.ok(!('conflicts' in r));
    assert.equal(r.changed, true);
    assert.deepEqual(spec(r.object), cfg.spec);
    assert.deepEqual(r.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    assert.deepEqual((r.object['metadata'] as JsonObject)['managedFields'], r.managedFields);
  });

  it('does not own name, namespace, apiVersion, kind or status', () => {
    const cfg = { ...deployment(), status: { replicas: 3 } };
    const r = ssa(undefined, cfg);
    assert.ok(!('conflicts' in r));
    const fields = JSON.stringify(r.managedFields);
    for (const f of ['f:name', 'f:namespace', 'f:apiVersion', 'f:kind', 'f:status']) {
      if (f === 'f:name') assert.ok(!fields.includes('"f:metadata":{"f:name"'));
      else assert.ok(!fields.includes(`"${f}"`), f);
    }
  });

  it('is a no-op the second time: nothing changes, not even the time', () => {
    const live = ok(ssa(undefined, deployment()));
    const r = ssa(live, deployment(), T1);
    assert.ok(!('conflicts' in r));
    assert.equal(r.changed, false);
    assert.deepEqual(r.managedFields, entries(live));
  });
});

describe('apply: the same manager applies a changed configuration', () => {
  it('removes a label it applied before and no longer applies', () => {
    const live = ok(ssa(undefined, deployment({ labels: { app: 'web', tier: 'frontend' } })));
    assert.deepEqual(labels(live), { app: 'web', tier: 'frontend' });
    const r = ssa(live, deployment({ labels: { app: 'web' } }), T1);
    const next = ok(r);
    assert.deepEqual(labels(next), { app: 'web' });
    assert.equal(entry(next, 'kubectl')!['time'], T1);
    assert.deepEqual((entry(next, 'kubectl')!['fieldsV1'] as JsonObject)['f:metadata'], {
      'f:labels': { 'f:app': {} },
    });
  });

  it('removes the whole labels map when the last label goes', () => {
    const live = ok(ssa(undefined, deployment({ labels: { tier: 'frontend' } })));
    const next = ok(ssa(live, { ...deployment(), metadata: { name: 'web', namespace: 'default' } }, T1));
    assert.equal(labels(next), undefined);
  });

  it('keeps a label another manager set', () => {
    const live = ok(ssa(undefined, deployment()));
    const edited = edit(live, 'kubectl-label', (o) => {
      (o['metadata'] as JsonObject)['labels'] = { app: 'web', team: 'blue' };
    });
    const next = ok(ssa(edited, deployment({ labels: {} }), T2));
    assert.deepEqual(labels(next), { team: 'blue' });
  });

  it('overwrites values it owns without conflict', () => {
    const live = ok(ssa(undefined, deployment()));
    const next = ok(ssa(live, deployment({ replicas: 4, image: 'nginx:1.27' }), T1));
    assert.equal(spec(next)['replicas'], 4);
    assert.equal(entries(next).length, 1);
  });

  it('drops explicit nulls but owns the field', () => {
    const live = ok(ssa(undefined, deployment()));
    const cfg = deployment() as JsonObject;
    spec(cfg)['replicas'] = null;
    const next = ok(ssa(live, cfg, T1));
    assert.ok(!Object.hasOwn(spec(next), 'replicas'));
    assert.ok(JSON.stringify(entry(next, 'kubectl')!['fieldsV1']).includes('"f:replicas":{}'));
  });
});

describe('apply: conflicts with other managers', () => {
  it('reports a field another manager changed, with the API server message', () => {
    const live = ok(ssa(undefined, deployment()));
    const edited = edit(live, 'kubectl-edit', (o) => {
      spec(o)['replicas'] = 5;
    });
    const r = ssa(edited, deployment({ replicas: 3 }), T2);
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    assert.deepEqual(conflictCauses(r.conflicts), [
      {
        type: 'FieldManagerConflict',
        message: 'conflict with "kubectl-edit" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
  });

  it('names the subresource of a scale', () => {
    const live = ok(ssa(undefined, deployment()));
    const scaled = edit(
      live,
      'kubectl-scale',
      (o) => {
        spec(o)['replicas'] = 5;
      },
      T1,
      'scale',
    );
    const r = ssa(scaled, deployment(), T2);
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it('lists several conflicting fields under their manager', () => {
    const live = ok(ssa(undefined, deployment()));
    const edited = edit(live, 'kubectl-client-side-apply', (o) => {
      spec(o)['replicas'] = 5;
      const c = (spec(o)['template'] as JsonObject)['spec'] as { containers: JsonObject[] };
      c.containers[0]!['image'] = 'nginx:edited';
    });
    const r = ssa(edited, deployment({ replicas: 3, image: 'nginx:1.27' }), T2);
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n' +
        '- .spec.replicas\n' +
        '- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('does not conflict when the value applied is the value set', () => {
    const live = ok(ssa(undefined, deployment()));
    const edited = edit(live, 'kubectl-edit', (o) => {
      spec(o)['replicas'] = 5;
    });
    const next = ok(ssa(edited, deployment({ replicas: 5 }), T2));
    assert.ok(JSON.stringify(entry(next, 'kubectl')!['fieldsV1']).includes('"f:replicas":{}'));
    assert.ok(JSON.stringify(entry(next, 'kubectl-edit', 'Update')!['fieldsV1']).includes('"f:replicas":{}'));
  });

  it('with force takes the field over', () => {
    const live = ok(ssa(undefined, deployment()));
    const edited = edit(live, 'kubectl-edit', (o) => {
      spec(o)['replicas'] = 5;
    });
    const next = ok(ssa(edited, deployment({ replicas: 3 }), T2, 'kubectl', true));
    assert.equal(spec(next)['replicas'], 3);
    assert.equal(entry(next, 'kubectl-edit', 'Update'), undefined, 'its only field went to kubectl');
    assert.ok(JSON.stringify(entry(next, 'kubectl')!['fieldsV1']).includes('"f:replicas":{}'));
  });

  it('adopts an object nobody tracked as "before-first-apply"', () => {
    const old = stored({ ...deployment({ replicas: 5 }) });
    const r = ssa(old, deployment({ replicas: 2 }), T1);
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
    const next = ok(ssa(old, deployment({ replicas: 5 }), T1));
    assert.deepEqual(
      entries(next).map((e) => [e['manager'], e['operation']]),
      [
        ['kubectl', 'Apply'],
        ['before-first-apply', 'Update'],
      ],
    );
  });
});

describe('apply: two appliers', () => {
  const cfgB = () =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'envoy:1' }] } } },
    }) as JsonObject;

  it('share a field both apply with the same value; it stays until both let go', () => {
    const a = ok(ssa(undefined, deployment()));
    const ab = ok(ssa(a, cfgB(), T1, 'other'));
    const noLabelA = deployment({ labels: {} });
    const afterA = ok(ssa(ab, noLabelA, T2));
    assert.deepEqual(labels(afterA), { app: 'web' }, 'still applied by "other"');
    const cfg = cfgB();
    (cfg['metadata'] as JsonObject)['labels'] = {};
    const afterB = ok(ssa(afterA, cfg, T3, 'other'));
    assert.equal(labels(afterB), undefined);
  });

  it('conflict when they disagree', () => {
    const a = ok(ssa(undefined, deployment()));
    const cfg = cfgB();
    (cfg['metadata'] as JsonObject)['labels'] = { app: 'other' };
    const r = ssa(a, cfg, T1, 'other');
    assert.ok('conflicts' in r);
    assert.equal(
      conflictMessage(r.conflicts),
      'Apply failed with 1 conflict: conflict with "kubectl": .metadata.labels.app',
    );
  });

  it('merge containers by name, keeping each applier’s container', () => {
    const a = ok(ssa(undefined, deployment()));
    const ab = ok(ssa(a, cfgB(), T1, 'other'));
    const names = (o: JsonObject) =>
      (((spec(o)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[]).map((c) => [
        c['name'],
        c['image'],
      ]);
    assert.deepEqual(names(ab), [
      ['web', 'nginx:1.25'],
      ['sidecar', 'envoy:1'],
    ]);
    const next = ok(ssa(ab, deployment({ image: 'nginx:1.27' }), T2));
    assert.deepEqual(names(next), [
      ['web', 'nginx:1.27'],
      ['sidecar', 'envoy:1'],
    ]);
  });
});

describe('apply: list types', () => {
  const service = (ports: JsonObject[]) =>
    ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dns', namespace: 'default' },
      spec: { selector: { app: 'dns' }, ports },
    }) as JsonObject;

  it('keys service ports by port and protocol, TCP by default', () => {
    const cfg = service([
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, targetPort: 53 },
    ]);
    const live = ok(apply(undefined, cfg, 'kubectl', applyOpts(cfg)));
    const ports = ((entry(live, 'kubectl')!['fieldsV1'] as JsonObject)['f:spec'] as JsonObject)[
      'f:ports'
    ] as JsonObject;
    assert.deepEqual(Object.keys(ports), [
      'k:{"port":53,"protocol":"TCP"}',
      'k:{"port":53,"protocol":"UDP"}',
    ]);
    assert.deepEqual(ports['k:{"port":53,"protocol":"UDP"}'], {
      '.': {},
      'f:name': {},
      'f:port': {},
      'f:protocol': {},
      'f:targetPort': {},
    });
    assert.deepEqual((ports['k:{"port":53,"protocol":"TCP"}'] as JsonObject)['f:protocol'], undefined);
    const cfg2 = service([{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 }]);
    const next = ok(apply(live, cfg2, 'kubectl', applyOpts(cfg2, { now: T1 })));
    assert.deepEqual(spec(next)['ports'], [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 }]);
  });

  it('replaces atomic lists and maps whole', () => {
    const pod = (args: string[], nodeSelector: Record<string, string>) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'default' },
        spec: { nodeSelector, containers: [{ name: 'c', image: 'busybox', args }] },
      }) as JsonObject;
    const cfg = pod(['a', 'b'], { disk: 'ssd', zone: 'a' });
    const live = ok(apply(undefined, cfg, 'kubectl', applyOpts(cfg)));
    const fields = JSON.stringify(entry(live, 'kubectl')!['fieldsV1']);
    assert.ok(fields.includes('"f:args":{}'));
    assert.ok(fields.includes('"f:nodeSelector":{}'));
    const cfg2 = pod(['c'], { zone: 'b' });
    const next = ok(apply(live, cfg2, 'other', applyOpts(cfg2, { now: T1, force: true })));
    const s = spec(next);
    assert.deepEqual(s['nodeSelector'], { zone: 'b' });
    assert.deepEqual((s['containers'] as JsonObject[])[0]!['args'], ['c']);
  });

  it('unions set lists (finalizers) of several appliers', () => {
    const cm = (finalizers: string[]) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'd', finalizers },
        data: { k: 'v' },
      }) as JsonObject;
    const a = ok(apply(undefined, cm(['a/x']), 'one', applyOpts(cm([]))));
    const b = ok(apply(a, { ...cm(['b/y']), data: {} }, 'two', applyOpts(cm([]), { now: T1 })));
    assert.deepEqual((b['metadata'] as JsonObject)['finalizers'], ['a/x', 'b/y']);
    assert.deepEqual(
      ((entry(b, 'two')!['fieldsV1'] as JsonObject)['f:metadata'] as JsonObject)['f:finalizers'],
      {
        'v:"b/y"': {},
      },
    );
    assert.deepEqual((b['data'] as JsonObject)['k'], 'v');
  });

  it('deduces maps in kinds without a schema: every map entry is owned', () => {
    const cr = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: { x: 1 } },
    };
    const r = apply(undefined, cr, 'kubectl', applyOpts(cr));
    assert.ok(!('conflicts' in r));
    assert.deepEqual(r.managedFields![0]!.fieldsV1, {
      'f:spec': { '.': {}, 'f:size': { '.': {}, 'f:x': {} } },
    });
  });
});

describe('apply: client-side to server-side hand-over', () => {
  it('forgives conflicts on fields unchanged since the last client-side apply, and rewrites the annotation', () => {
    const cfg = deployment();
    const last = JSON.stringify(cfg);
    const created = structuredClone(cfg) as JsonObject;
    (created['metadata'] as JsonObject)['annotations'] = {
      'kubectl.kubernetes.io/last-applied-configuration': last,
    };
    const live = stored(
      updateManagedFields(undefined, created, 'kubectl-client-side-apply', updateOpts(created)).object,
    );
    const next = ok(ssa(live, deployment({ image: 'nginx:1.27' }), T1));
    const ann = (next['metadata'] as JsonObject)['annotations'] as JsonObject;
    const rewritten = JSON.parse(ann['kubectl.kubernetes.io/last-applied-configuration'] as string);
    assert.equal(rewritten.spec.template.spec.containers[0].image, 'nginx:1.27');
    const other = ssa(live, deployment({ image: 'nginx:1.27' }), T1, 'someone-else');
    assert.ok('conflicts' in other, 'only kubectl gets the hand-over');
  });
});

describe('apply: bad configurations', () => {
  it('rejects another version or kind', () => {
    const cfg = { ...deployment(), apiVersion: 'apps/v1beta1' };
    assert.throws(
      () => apply(undefined, cfg, 'kubectl', applyOpts(deployment())),
      (e: unknown) =>
        e instanceof ApplyError &&
        e.code === 400 &&
        e.message === 'invalid object type: apps/v1beta1, Kind=Deployment',
    );
  });

  it('rejects managedFields in the configuration', () => {
    const cfg = deployment() as JsonObject;
    (cfg['metadata'] as JsonObject)['managedFields'] = [];
    assert.throws(
      () => apply(undefined, cfg, 'kubectl', applyOpts(cfg)),
      (e: unknown) =>
        e instanceof ApplyError && e.code === 400 && e.message === 'metadata.managedFields must be nil',
    );
  });

  it('rejects undeclared fields and wrong types like the API server', () => {
    const cfg = deployment() as JsonObject;
    spec(cfg)['replicaz'] = 1;
    assert.throws(
      () => apply(undefined, cfg, 'kubectl', applyOpts(cfg)),
      (e: unknown) =>
        e instanceof ApplyError &&
        e.code === 500 &&
        e.message ===
          'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema',
    );
    const cfg2 = deployment() as JsonObject;
    spec(cfg2)['replicas'] = 'two';
    assert.throws(
      () => apply(undefined, cfg2, 'kubectl', applyOpts(cfg2)),
      /\.spec\.replicas: expected numeric \(int or float\), got string$/,
    );
    const cfg3 = deployment() as JsonObject;
    ((spec(cfg3)['template'] as JsonObject)['spec'] as JsonObject)['containers'] = [{ image: 'x' }];
    assert.throws(
      () => apply(undefined, cfg3, 'kubectl', applyOpts(cfg3)),
      /\.spec\.template\.spec\.containers: element 0: associative list with keys has an element that omits all key fields \["name"\]/,
    );
  });
});
