/** The kubelet flags' translation into Kubelet options: eviction thresholds, the pressure transition period, static pods. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from './flags.js';
import { kubeletSettings } from './kubelet-flags.js';

const base = {
  'node-ip': '127.0.0.1',
  'node-label': [],
  'kubelet-port': 10250,
  'cluster-cidr': '10.42.0.0/16',
  'service-cidr': '10.43.0.0/16',
  'cluster-dns': [],
  'cluster-domain': 'cluster.local',
  'pause-image': 'pause',
  'private-registry': '/nonexistent',
  'eviction-hard': [] as string[],
  'eviction-pressure-transition-period': '5m0s',
};

describe('kubelet eviction flags', () => {
  it('default to upstream thresholds and 5 minutes', () => {
    const s = kubeletSettings({ ...base, 'node-name': 'n' }, '/tmp/x');
    assert.deepEqual(
      s.evictionThresholds?.map((t) => t.signal),
      ['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available'],
    );
    assert.equal(s.evictionPressureTransitionMs, 300_000);
  });
  it('take --eviction-hard items and a short period', () => {
    const s = kubeletSettings(
      {
        ...base,
        'node-name': 'n',
        'eviction-hard': ['memory.available<1Gi', 'nodefs.inodesFree<1%'],
        'eviction-pressure-transition-period': '2s',
      },
      '/tmp/x',
    );
    assert.deepEqual(
      s.evictionThresholds?.map((t) => [t.signal, t.text]),
      [
        ['memory.available', '1Gi'],
        ['nodefs.inodesFree', '1%'],
      ],
    );
    assert.equal(s.evictionPressureTransitionMs, 2_000);
  });
  it('reject bad values with a usage error', () => {
    assert.throws(
      () => kubeletSettings({ ...base, 'eviction-hard': ['memory.used<1Gi'] }, '/tmp/x'),
      (e: unknown) =>
        e instanceof UsageError &&
        /--eviction-hard: unsupported eviction signal "memory.used"/.test(e.message),
    );
    assert.throws(
      () => kubeletSettings({ ...base, 'eviction-pressure-transition-period': 'soon' }, '/tmp/x'),
      UsageError,
    );
  });
});

describe('kubelet static pod flag', () => {
  it('is off without --pod-manifest-path', () => {
    const s = kubeletSettings({ ...base, 'node-name': 'n' }, '/tmp/x');
    assert.equal(s.podManifestPath, undefined);
  });
  it('takes --pod-manifest-path as an absolute path', () => {
    const s = kubeletSettings({ ...base, 'node-name': 'n', 'pod-manifest-path': 'manifests' }, '/tmp/x');
    assert.equal(s.podManifestPath, resolve('manifests'));
    const abs = kubeletSettings(
      { ...base, 'node-name': 'n', 'pod-manifest-path': '/etc/k8ts/manifests' },
      '/tmp/x',
    );
    assert.equal(abs.podManifestPath, '/etc/k8ts/manifests');
  });
});
