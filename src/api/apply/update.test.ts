import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, updateManagedFields } from './apply.js';
import { sameExceptManagedFieldsTimes } from './equality.js';
import type { JsonObject } from './json.js';
import { applyOpts, deployment, entries, entry, ok, stored, T0, T1, T2, updateOpts } from './testing.js';

/** A Deployment as `kubectl create` sends it once the server has defaulted it. */
function defaulted(): JsonObject {
  const d = deployment() as JsonObject;
  const spec = d['spec'] as JsonObject;
  spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  spec['revisionHistoryLimit'] = 10;
  const pod = (spec['template'] as JsonObject)['spec'] as JsonObject;
  pod['restartPolicy'] = 'Always';
  pod['securityContext'] = {};
  (pod['containers'] as JsonObject[])[0]!['resources'] = {};
  return d;
}

function write(
  old: JsonObject | undefined,
  next: JsonObject,
  manager: string,
  now = T1,
  subresource?: string,
) {
  return updateManagedFields(old, next, manager, updateOpts(next, { now, subresource }));
}

describe('updateManagedFields: create', () => {
  it('owns everything set, with "." on new maps and list items but not on the kind’s own structs', () => {
    const r = write(undefined, defaulted(), 'kubectl-create', T0);
    assert.deepEqual(r.managedFields, [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:revisionHistoryLimit': {},
            'f:selector': {},
            'f:strategy': {
              'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} },
              'f:type': {},
            },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      '.': {},
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                    },
                    'f:resources': {},
                  },
                },
                'f:restartPolicy': {},
                'f:securityContext': {},
              },
            },
          },
        },
      },
    ]);
  });

  it('calls a nameless writer "unknown"; entries sent on create keep only what the creator did not set', () => {
    assert.equal(write(undefined, deployment(), '', T0).managedFields![0]!.manager, 'unknown');
    const sent = deployment() as JsonObject;
    const fieldsV1 = { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } };
    (sent['metadata'] as JsonObject)['managedFields'] = [
      { manager: 'a', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1 },
    ];
    const r = write(undefined, sent, 'b', T0);
    assert.deepEqual(
      r.managedFields!.map((e) => [e.manager, e.operation, e.fieldsV1!['f:spec']]),
      [
        ['a', 'Apply', { 'f:paused': {} }],
        ['b', 'Update', (r.managedFields![1]!.fieldsV1 as JsonObject)['f:spec']],
      ],
    );
  });
});

describe('updateManagedFields: updates', () => {
  const created = () => stored(write(undefined, defaulted(), 'kubectl-create', T0).object);

  it('gives a changed field to the writer and takes it from its previous owner', () => {
    const live = created();
    const next = structuredClone(live);
    (next['spec'] as JsonObject)['replicas'] = 7;
    const r = stored(write(live, next, 'kubectl-edit').object);
    assert.deepEqual(entry(r, 'kubectl-edit', 'Update')!['fieldsV1'], { 'f:spec': { 'f:replicas': {} } });
    assert.equal(entry(r, 'kubectl-edit', 'Update')!['time'], T1);
    assert.ok(!JSON.stringify(entry(r, 'kubectl-create', 'Update')!['fieldsV1']).includes('f:replicas'));
    assert.equal(entry(r, 'kubectl-create', 'Update')!['time'], T0);
  });

  it('merges a writer’s later changes into its entry', () => {
    const live = created();
    const a = structuredClone(live);
    (a['spec'] as JsonObject)['replicas'] = 7;
    const r1 = stored(write(live, a, 'kubectl-edit').object);
    const b = structuredClone(r1);
    (b['spec'] as JsonObject)['paused'] = true;
    const r2 = stored(write(r1, b, 'kubectl-edit', T2).object);
    assert.deepEqual(entry(r2, 'kubectl-edit', 'Update')!['fieldsV1'], {
      'f:spec': { 'f:paused': {}, 'f:replicas': {} },
    });
    assert.equal(entries(r2).length, 2);
  });

  it('changes nothing for a write that changes nothing', () => {
    const live = created();
    const r = write(live, structuredClone(live), 'kubectl-edit', T2);
    assert.deepEqual(r.managedFields, entries(live));
    assert.ok(sameExceptManagedFieldsTimes(r.object, live));
  });

  it('drops removed fields from their owners', () => {
    const live = created();
    const next = structuredClone(live);
    delete (next['spec'] as JsonObject)['revisionHistoryLimit'];
    const r = stored(write(live, next, 'kubectl-edit').object);
    assert.ok(!JSON.stringify(entries(r)).includes('revisionHistoryLimit'));
    assert.equal(entry(r, 'kubectl-edit', 'Update'), undefined, 'a removal alone owns nothing');
  });

  it('leaves objects that were never tracked untracked', () => {
    const live = stored(deployment());
    const next = structuredClone(live);
    (next['spec'] as JsonObject)['replicas'] = 9;
    assert.equal(write(live, next, 'kubectl-edit').managedFields, undefined);
  });

  it('takes entries from the request when it sends some, clears them on [] ', () => {
    const live = created();
    const cleared = structuredClone(live);
    (cleared['metadata'] as JsonObject)['managedFields'] = [];
    assert.equal(write(live, cleared, 'x').managedFields, undefined);
    const reset = structuredClone(live);
    (reset['metadata'] as JsonObject)['managedFields'] = [{}];
    assert.equal(write(live, reset, 'x').managedFields, undefined);
    const kept = structuredClone(live);
    delete (kept['metadata'] as JsonObject)['managedFields'];
    assert.deepEqual(write(live, kept, 'x').managedFields, entries(live));
  });

  it('records status writes under the status subresource and ignores spec there', () => {
    const live = created();
    const next = structuredClone(live);
    next['status'] = { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] };
    (next['spec'] as JsonObject)['replicas'] = 99;
    const r = stored(write(live, next, 'k8ts-controller-manager', T1, 'status').object);
    const e = entry(r, 'k8ts-controller-manager', 'Update')!;
    assert.equal(e['subresource'], 'status');
    assert.deepEqual(e['fieldsV1'], {
      'f:status': {
        'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } },
        'f:replicas': {},
      },
    });
  });

  it('moves replicas to a scale writer, away from the applier', () => {
    const cfg = deployment();
    const live = ok(apply(undefined, cfg, 'kubectl', applyOpts(cfg)));
    const next = structuredClone(live);
    (next['spec'] as JsonObject)['replicas'] = 5;
    const r = stored(write(live, next, 'kubectl', T1, 'scale').object);
    assert.deepEqual(
      entries(r).map((e) => [e['manager'], e['operation'], e['subresource'] ?? '']),
      [
        ['kubectl', 'Apply', ''],
        ['kubectl', 'Update', 'scale'],
      ],
    );
    assert.ok(!JSON.stringify(entry(r, 'kubectl', 'Apply')!['fieldsV1']).includes('f:replicas'));
  });

  it('keeps at most ten updaters, folding the oldest into ancient-changes', () => {
    let live = created();
    for (let i = 0; i < 11; i++) {
      const next = structuredClone(live);
      const labels = (next['metadata'] as JsonObject)['labels'] as JsonObject;
      labels[`k${i}`] = 'v';
      live = stored(
        write(live, next, `writer-${i}`, `2024-05-01T11:${String(i).padStart(2, '0')}:00Z`).object,
      );
    }
    const names = entries(live).map((e) => e['manager']);
    assert.equal(names.length, 10);
    assert.ok(names.includes('ancient-changes'));
    assert.ok(!names.includes('kubectl-create'));
  });

  it('sorts Apply entries before Update entries, then by time', () => {
    const cfg = deployment();
    const live = ok(apply(undefined, cfg, 'z-applier', applyOpts(cfg, { now: T2 })));
    const next = structuredClone(live);
    (next['metadata'] as JsonObject)['annotations'] = { a: 'b' };
    const r = stored(write(live, next, 'a-writer', T1).object);
    assert.deepEqual(
      entries(r).map((e) => e['manager']),
      ['z-applier', 'a-writer'],
    );
  });
});
