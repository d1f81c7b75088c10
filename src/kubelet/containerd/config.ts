/**
 * The containerd configuration (v2 format) of one k8ts node: every path under the node's
 * own directory, so several instances can share a machine, and the CRI settings these
 * machines need (unprivileged oom_score_adj, no SELinux/AppArmor, cgroup v1 without
 * hugetlb, a local pause image, plain-HTTP pulls from the loopback registry). Pure: it
 * renders text and computes paths, it writes nothing (see ./files.ts).
 */
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
  /** Registries reached over plain HTTP without TLS verification (host:port). Default: 127.0.0.1:5000. */
  insecureRegistries?: string[];
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
  return `server = ${q(`http://${host}`)}

[host.${q(`http://${host}`)}]
  capabilities = ["pull", "resolve"]
  skip_verify = true
`;
}
