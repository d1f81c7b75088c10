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
