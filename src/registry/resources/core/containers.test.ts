import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateContainers } from './containers.js';

test('container restartPolicy: Always only, and only on init containers', () => {
  const ok = validateContainers(
    {
      initContainers: [{ name: 's', image: 'i', restartPolicy: 'Always', readinessProbe: { exec: {} } }],
      containers: [{ name: 'a', image: 'i' }],
    },
    'spec',
  );
  assert.deepEqual(ok, []);
  const bad = validateContainers(
    {
      initContainers: [
        { name: 's', image: 'i', restartPolicy: 'OnFailure' },
        { name: 't', image: 'i', startupProbe: { exec: {} } },
      ],
      containers: [{ name: 'a', image: 'i', restartPolicy: 'Always' }],
    },
    'spec',
  );
  assert.deepEqual(
    bad.map((e) => [e.type, e.field]),
    [
      ['FieldValueNotSupported', 'spec.initContainers[0].restartPolicy'],
      ['FieldValueForbidden', 'spec.initContainers[1].startupProbe'],
      ['FieldValueForbidden', 'spec.containers[0].restartPolicy'],
    ],
  );
  assert.equal(bad[0]?.detail, 'supported values: "Always"');
  assert.equal(bad[2]?.detail, 'may not be set for non-init containers');
});
