/**
 * The containerd configuration (v2 format) of one k8ts node: every path under the node's
 * own directory, so several instances can share a machine, and the CRI settings these
 * machines need (unprivileged oom_score_adj, no SELinux/AppArmor, cgroup v1 without
 * hugetlb, a local pause image, plain-HTTP pulls from the loopback registry), and the
 * registry hosts files (`certs.d/<host>/hosts.toml`) for the node's registries file:
 * mirrors, plain HTTP endpoints, TLS settings. Pure: it renders text and computes paths,
 * it writes nothing (see ./files.ts). Credentials are not rendered: containerd 1.6's
 * hosts.toml cannot carry them (the image service sends them with each pull).
 */
import type { RegistriesConfig, RegistryTls } from '../images/registries.js';

export interface ContainerdLayout {
  dir: string;
  configFile: string;
  root: string;
  state: string;
  socket: string;
  /** grpc address containerd listens on: `unix://<socket>`. */
  address: string;
  runcRoot: string;
  cniConfDir: string;
  certsDir: string;
  log: string;
}

export interface ContainerdConfigOptions {
  /** The node's directory (absolute). */
  dir: string;
  /** The pod sandbox image, e.g. 127.0.0.1:5000/k8ts/pause:3.10. */
  sandboxImage: string;
  /**
   * Registries reached over plain HTTP without TLS verification (host:port), unless the
   * registries file configures the same host. Default: 127.0.0.1:5000.
   */
  insecureRegistries?: string[];
  /** The node's registries file (mirrors, TLS), rendered as certs.d hosts files. */
  registries?: RegistriesConfig;
  cniBinDir?: string;
  runcBinary?: string;
}

export function containerdLayout(dir: string): ContainerdLayout {
  const base = dir.replace(/\/+$/, '');
  const p = (...s: string[]): string => [base, ...s].join('/');
  return {
    dir,
    configFile: p('config.toml'),
    root: p('root'),
    state: p('state'),
    socket: p('containerd.sock'),
    address: `unix://${p('containerd.sock')}`,
    runcRoot: p('runc'),
    cniConfDir: p('cni', 'net.d'),
    certsDir: p('certs.d'),
    log: p('containerd.log'),
  };
}

/** A TOML basic string. */
function q(s: string): string {
  return JSON.stringify(s);
}

export function renderContainerdConfig(opts: ContainerdConfigOptions): string {
  const l = containerdLayout(opts.dir);
  return `# Written by k8ts; regenerated on every start.
version = 2
root = ${q(l.root)}
state = ${q(l.state)}
oom_score = 0

[grpc]
  address = ${q(l.socket)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${q(opts.sandboxImage)}
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  restrict_oom_score_adj = true
  tolerate_missing_hugetlb_controller = true

  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = ${q(opts.runcBinary ?? '/usr/sbin/runc')}
        Root = ${q(l.runcRoot)}

  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${q(opts.cniBinDir ?? '/usr/lib/cni')}
    conf_dir = ${q(l.cniConfDir)}
    max_conf_num = 1

  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ${q(l.certsDir)}
`;
}

/** certs.d/<host>/hosts.toml for a registry served over plain HTTP. */
export function renderInsecureHostsToml(host: string): string {
  return `# Written by k8ts; regenerated on every start.
server = ${q(`http://${host}`)}

[host.${q(`http://${host}`)}]
  capabilities = ["pull", "resolve"]
  skip_verify = true
`;
}

/** One `certs.d/<dir>/hosts.toml`. */
export interface HostsFile {
  /** Directory under certs.d: the registry host, or `_default` for every registry. */
  dir: string;
  text: string;
}

/** The upstream server of a registry when no mirror answers. */
function defaultServer(host: string): string {
  return host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`;
}

/** TOML lines for the TLS settings of one host (skip_verify, ca, client pair). */
function tlsLines(tls: RegistryTls | undefined, indent: string): string[] {
  const out: string[] = [];
  if (tls?.insecure_skip_verify) out.push(`${indent}skip_verify = true`);
  if (tls?.ca_file) out.push(`${indent}ca = ${q(tls.ca_file)}`);
  if (tls?.cert_file && tls.key_file)
    out.push(`${indent}client = [[${q(tls.cert_file)}, ${q(tls.key_file)}]]`);
  return out;
}

/** hosts.toml of a mirrored registry: each endpoint in order, then the registry itself. */
function renderMirrorHostsToml(host: string, endpoints: string[], cfg: RegistriesConfig): string {
  const lines = ['# Written by k8ts from the registries file; regenerated on every start.'];
  if (host !== '*') {
    lines.push(`server = ${q(defaultServer(host))}`, ...tlsLines(cfg.configs[host]?.tls, ''));
  }
  for (const endpoint of endpoints) {
    const endpointHost = new URL(endpoint).host;
    lines.push(
      '',
      `[host.${q(endpoint)}]`,
      '  capabilities = ["pull", "resolve"]',
      ...tlsLines(cfg.configs[endpointHost]?.tls, '  '),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** hosts.toml of a registry with TLS settings and no mirror. */
function renderTlsHostsToml(host: string, tls: RegistryTls | undefined): string {
  return [
    '# Written by k8ts from the registries file; regenerated on every start.',
    `server = ${q(defaultServer(host))}`,
    ...tlsLines(tls, ''),
    '',
  ].join('\n');
}

/**
 * Every hosts file of the node: one per mirrored registry (`*` as `_default`), one per
 * configured host with TLS settings, and the plain-HTTP registries (default
 * 127.0.0.1:5000) that the registries file does not mention.
 */
export function renderHostsFiles(
  opts: Pick<ContainerdConfigOptions, 'insecureRegistries' | 'registries'>,
): HostsFile[] {
  const cfg = opts.registries ?? { mirrors: {}, configs: {} };
  const files: HostsFile[] = [];
  const done = new Set<string>();
  for (const [host, mirror] of Object.entries(cfg.mirrors)) {
    const dir = host === '*' ? '_default' : host;
    files.push({ dir, text: renderMirrorHostsToml(host, mirror.endpoint, cfg) });
    done.add(dir);
  }
  for (const [host, c] of Object.entries(cfg.configs)) {
    if (done.has(host) || !c.tls) continue;
    files.push({ dir: host, text: renderTlsHostsToml(host, c.tls) });
    done.add(host);
  }
  for (const host of opts.insecureRegistries ?? ['127.0.0.1:5000']) {
    if (done.has(host)) continue;
    files.push({ dir: host, text: renderInsecureHostsToml(host) });
    done.add(host);
  }
  return files;
}
