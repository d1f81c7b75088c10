import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerdLayout, renderContainerdConfig, renderInsecureHostsToml } from './config.js';

test('every path of the instance lives under its directory', () => {
  const l = containerdLayout('/var/lib/k8ts/node-1');
  assert.equal(l.address, 'unix:///var/lib/k8ts/node-1/containerd.sock');
  for (const p of [l.configFile, l.root, l.state, l.socket, l.runcRoot, l.cniConfDir, l.certsDir]) {
    assert.ok(p.startsWith('/var/lib/k8ts/node-1/'), p);
  }
});

test('the config carries the settings these machines need', () => {
  const text = renderContainerdConfig({ dir: '/d', sandboxImage: '127.0.0.1:5000/k8ts/pause:3.10' });
  for (const line of [
    'version = 2',
    'root = "/d/root"',
    'state = "/d/state"',
    'oom_score = 0',
    'address = "/d/containerd.sock"',
    'sandbox_image = "127.0.0.1:5000/k8ts/pause:3.10"',
    'restrict_oom_score_adj = true',
    'enable_selinux = false',
    'disable_apparmor = true',
    'tolerate_missing_hugetlb_controller = true',
    'stream_server_address = "127.0.0.1"',
    'stream_server_port = "0"',
    'snapshotter = "overlayfs"',
    'runtime_type = "io.containerd.runc.v2"',
    'SystemdCgroup = false',
    'BinaryName = "/usr/sbin/runc"',
    'Root = "/d/runc"',
    'bin_dir = "/usr/lib/cni"',
    'conf_dir = "/d/cni/net.d"',
    'max_conf_num = 1',
    'config_path = "/d/certs.d"',
  ]) {
    assert.ok(
      text.split('\n').some((l) => l.trim() === line),
      `missing: ${line}`,
    );
  }
});

test('an insecure registry is pulled over plain HTTP', () => {
  const text = renderInsecureHostsToml('127.0.0.1:5000');
  assert.match(text, /^server = "http:\/\/127\.0\.0\.1:5000"$/m);
  assert.match(text, /^\[host\."http:\/\/127\.0\.0\.1:5000"\]$/m);
  assert.match(text, /skip_verify = true/);
});
