import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KObject } from '../../types.js';
import { podSummary } from './pod-printer.js';

const pod = (status: Record<string, unknown>): KObject => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: {
    initContainers: [{ name: 'side', restartPolicy: 'Always' }, { name: 'setup' }],
    containers: [{ name: 'app' }],
  },
  status,
});
const initialized = { type: 'Initialized', status: 'True' };
const running = { running: { startedAt: '2024-01-01T00:00:00Z' } };

test('READY counts sidecars; RESTARTS counts sidecar restarts once initialized', () => {
  const s = podSummary(
    pod({
      phase: 'Running',
      conditions: [initialized, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [
        {
          name: 'side',
          ready: true,
          started: true,
          restartCount: 1,
          state: running,
          lastState: { terminated: { finishedAt: '2024-01-01T00:00:05Z' } },
        },
        { name: 'setup', ready: true, restartCount: 2, state: { terminated: { exitCode: 0 } } },
      ],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: running }],
    }),
  );
  assert.deepEqual(s, {
    ready: 2,
    total: 2,
    reason: 'Running',
    restarts: 1,
    lastRestart: '2024-01-01T00:00:05Z',
  });
});

test('STATUS while a sidecar starts and while the next init container runs', () => {
  const starting = podSummary(
    pod({
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'side', ready: false, started: false, state: running },
        { name: 'setup', state: { waiting: { reason: 'PodInitializing' } } },
      ],
    }),
  );
  assert.equal(starting.reason, 'Init:0/2');
  assert.equal(starting.ready, 0);
  const next = podSummary(
    pod({
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'side', ready: true, started: true, state: running },
        { name: 'setup', state: running },
      ],
    }),
  );
  assert.equal(next.reason, 'Init:1/2');
  assert.equal(next.ready, 1);
});

test('a Job pod that completed with its sidecar stopped prints Completed', () => {
  const s = podSummary(
    pod({
      phase: 'Succeeded',
      conditions: [{ ...initialized, reason: 'PodCompleted' }],
      initContainerStatuses: [
        {
          name: 'side',
          ready: false,
          started: false,
          state: { terminated: { exitCode: 137, reason: 'Error' } },
        },
        { name: 'setup', state: { terminated: { exitCode: 0 } } },
      ],
      containerStatuses: [
        { name: 'app', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
    }),
  );
  assert.equal(s.reason, 'Completed');
  assert.equal(`${s.ready}/${s.total}`, '0/2');
});
