/**
 * The kubelet's TokenRequest call: POSTs an authentication.k8s.io/v1 TokenRequest to
 * `serviceaccounts/<name>/token`, bound to the pod, and returns the token and its expiry.
 * A refusal surfaces as the API's Status error; retrying is the volume sync's business.
 */
import type { Client } from '../../client/client.js';
import { statusFrom } from '../../client/errors.js';
import type { RequestToken } from './projected.js';

export function tokenRequester(client: Client): RequestToken {
  const accounts = client.resource('', 'v1', 'serviceaccounts');
  return async (namespace, serviceAccount, audiences, expirationSeconds, pod, signal) => {
    const body = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      spec: {
        audiences,
        expirationSeconds,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.name, uid: pod.uid },
      },
    };
    const res = await client.transport.request('POST', accounts.path(namespace, serviceAccount, 'token'), {
      body: JSON.stringify(body),
      contentType: 'application/json',
      signal,
    });
    if (res.status < 200 || res.status >= 300) throw statusFrom(res.status, res.body);
    const out = JSON.parse(res.body.toString('utf8')) as {
      status?: { token?: string; expirationTimestamp?: string };
    };
    const token = out.status?.token;
    if (!token) throw new Error(`TokenRequest for ${namespace}/${serviceAccount} returned no token`);
    return { token, expirationTimestamp: out.status?.expirationTimestamp ?? '' };
  };
}
