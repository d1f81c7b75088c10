/** What /version reports: a Kubernetes 1.32 compatible version (kubectl picks its binary from it). */

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0+k8ts' };

export function versionInfo() {
  return {
    ...KUBE_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/**
 * The User-Agent a component of ours sends, in upstream's form
 * (`kubelet/v1.32.0+k8ts (linux/amd64) k8ts`): the API server names the field manager of
 * a write without ?fieldManager by the part before the first slash.
 */
export function componentAgent(component: string): string {
  const v = versionInfo();
  return `${component}/${v.gitVersion} (${v.platform}) k8ts`;
}
