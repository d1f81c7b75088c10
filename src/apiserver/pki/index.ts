/**
 * The cluster PKI: CA, API server serving and admin client certificates, kubeconfig
 * files, and reading a client identity from a verified peer certificate. The public
 * surface of src/apiserver/pki; other components import from here only.
 */
export { type EnsurePkiOptions, ensurePki, type Pki } from './ensure.js';
export { type ClientIdentity, type PeerSubject, parseClientIdentity } from './identity.js';
export type { IssuedCert } from './issue.js';
export { writeKubeconfig } from './kubeconfig.js';
export { type KubeconfigOptions, kubeconfigYaml } from './kubeconfig-yaml.js';
export { InvalidSanError } from './sans.js';
