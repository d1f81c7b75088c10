/** The real node's capacity and allocatable, printed as upstream's kubelet prints quantities. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MachineFacts } from './machine.js';
import { realNodeStatus } from './status.js';

const machine = (memoryBytes: number, ephemeralStorageBytes: number): MachineFacts => ({
  cpu: 2,
  memoryBytes,
  ephemeralStorageBytes,
  machineID: 'm',
  systemUUID: 'u',
  bootID: 'b',
  kernelVersion: '6.1.0',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
});
const id = { name: 'n1', internalIP: '127.0.0.1', kubeletPort: 10250, labels: {} };
type Lists = { capacity: Record<string, string>; allocatable: Record<string, string> };

test('capacity and allocatable are binary quantities less the eviction reserve', () => {
  const kib = 1024;
  const s = realNodeStatus(id, machine(8_146_376 * kib, 37_042_304 * kib), 'containerd', {}, [], 0) as Lists;
  assert.equal(s.capacity['memory'], '8146376Ki');
  assert.equal(s.capacity['ephemeral-storage'], '37042304Ki');
  assert.equal(s.capacity['cpu'], '2');
  assert.equal(s.allocatable['memory'], '8043976Ki', 'less the default memory.available<100Mi');
  const fs = 37_042_304 * kib;
  assert.equal(
    s.allocatable['ephemeral-storage'],
    String(fs - Math.floor(fs * 0.1)),
    'less nodefs.available<10%',
  );

  const gib = 1024 ** 3;
  const reserved = realNodeStatus(id, machine(16 * gib, 100 * gib), 'containerd', {}, [], 0, undefined, {
    memoryBytes: 20 * gib,
    ephemeralStorageBytes: 1024 ** 2,
  }) as Lists;
  assert.equal(reserved.capacity['memory'], '16Gi');
  assert.equal(reserved.allocatable['memory'], '0', 'never below zero');
  assert.equal(reserved.allocatable['ephemeral-storage'], '102399Mi');
});
