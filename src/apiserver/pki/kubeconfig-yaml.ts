/**
 * The text of a kubeconfig with one cluster, one user (client certificate) and one
 * context, as kubectl and client-go read it. Pure: builds the document only; writing it
 * (and its file mode) is kubeconfig.ts's job.
 */
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** The API server URL, e.g. https://127.0.0.1:6443. */
  server: string;
  caCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** Defaults to "default", as do userName and contextName. */
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

export function kubeconfigYaml(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? 'default';
  const user = opts.userName ?? 'default';
  const context = opts.contextName ?? 'default';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: { server: opts.server, 'certificate-authority-data': base64(opts.caCertPem) },
      },
    ],
    users: [
      {
        name: user,
        user: {
          'client-certificate-data': base64(opts.clientCertPem),
          'client-key-data': base64(opts.clientKeyPem),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
  };
  return stringify(doc, { lineWidth: 0 });
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
