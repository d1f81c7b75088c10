import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRegistries } from '../images/registries.js';
import {
  containerdLayout,
  renderContainerdConfig,
  renderHostsFiles,
  renderInsecureHostsToml,
} from './config.js';

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

/** The lines of a TOML text, trimmed, without blank lines and comments. */
function lines(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

test('without a registries file, 127.0.0.1:5000 stays a plain-HTTP registry', () => {
  const files = renderHostsFiles({});
  assert.deepEqual(
    files.map((f) => f.dir),
    ['127.0.0.1:5000'],
  );
  assert.equal(files[0]?.text, renderInsecureHostsToml('127.0.0.1:5000'));
});

test('mirrors become hosts.toml entries in order, with TLS from configs', () => {
  const registries = parseRegistries(
    `
mirrors:
  docker.io:
    endpoint: ["http://127.0.0.1:5000", "https://mirror.example.com:8443"]
  "*":
    endpoint: ["https://all.example.com"]
configs:
  mirror.example.com:8443:
    tls: {ca_file: /ca.pem, cert_file: /c.pem, key_file: /c.key}
  registry.example.com:
    tls: {insecure_skip_verify: true}
  docker.io:
    tls: {ca_file: /hub-ca.pem}
`,
    'registries.yaml',
  );
  const files = new Map(renderHostsFiles({ registries }).map((f) => [f.dir, f.text]));
  assert.deepEqual(
    [...files.keys()],
    ['docker.io', '_default', 'mirror.example.com:8443', 'registry.example.com', '127.0.0.1:5000'],
  );
  assert.deepEqual(lines(files.get('docker.io')), [
    'server = "https://registry-1.docker.io"',
    'ca = "/hub-ca.pem"',
    '[host."http://127.0.0.1:5000"]',
    'capabilities = ["pull", "resolve"]',
    '[host."https://mirror.example.com:8443"]',
    'capabilities = ["pull", "resolve"]',
    'ca = "/ca.pem"',
    'client = [["/c.pem", "/c.key"]]',
  ]);
  assert.deepEqual(lines(files.get('_default')), [
    '[host."https://all.example.com"]',
    'capabilities = ["pull", "resolve"]',
  ]);
  assert.deepEqual(lines(files.get('registry.example.com')), [
    'server = "https://registry.example.com"',
    'skip_verify = true',
  ]);
});

test('a registries file that configures 127.0.0.1:5000 replaces the plain-HTTP default', () => {
  const registries = parseRegistries('configs: {"127.0.0.1:5000": {tls: {ca_file: /ca.pem}}}', 'r.yaml');
  const files = renderHostsFiles({ registries });
  assert.deepEqual(lines(files.find((f) => f.dir === '127.0.0.1:5000')?.text), [
    'server = "https://127.0.0.1:5000"',
    'ca = "/ca.pem"',
  ]);
});
