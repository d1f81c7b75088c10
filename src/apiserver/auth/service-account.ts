/**
 * Service account bearer tokens: a token from our issuer is accepted when its signature,
 * time window and audience hold and the objects it names are still the same objects (the
 * ServiceAccount, and a bound Pod or Secret, looked up by name and compared by uid; a pod
 * deleted more than a minute ago no longer counts, as upstream). The user is
 * `system:serviceaccount:<ns>:<name>` in the service account groups. Lookups are
 * synchronous reads of the registry's watch caches; this module never writes.
 */
import type { KObject, UserInfo } from '../../registry/types.js';
import type { TokenIssuer } from '../serviceaccounts/issuer.js';

/** Reads a core/v1 object from a cache: `plural` is serviceaccounts, pods or secrets. */
export type ObjectLookup = (plural: string, namespace: string, name: string) => KObject | undefined;

const DELETED_POD_GRACE_MS = 60_000;

export interface Authenticated {
  user: UserInfo;
  audiences: string[];
  /** What upstream puts in user.extra for the token (the pod it is bound to, its id). */
  extra: Record<string, string[]>;
}

export class ServiceAccountAuthenticator {
  constructor(
    private readonly issuer: TokenIssuer,
    private readonly lookup: ObjectLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** The audiences this API server accepts tokens for (its issuer). */
  get audiences(): readonly string[] {
    return this.issuer.audiences;
  }

  /**
   * The token's user (with the audiences it was accepted for), or the reason it is refused.
   * `audiences`: what the caller accepts (TokenReview's spec.audiences); by default this
   * API server's own.
   */
  authenticate(token: string, audiences?: readonly string[]): Authenticated | { reason: string } {
    const checked = this.issuer.check(token, audiences);
    if (!checked.ok) return { reason: checked.reason };
    const s = checked.subject;
    const sa = this.lookup('serviceaccounts', s.namespace, s.serviceAccount.name);
    if (!sa || sa.metadata?.uid !== s.serviceAccount.uid)
      return { reason: `service account ${s.namespace}/${s.serviceAccount.name} has been deleted` };
    if (sa.metadata?.deletionTimestamp)
      return { reason: `service account ${s.namespace}/${s.serviceAccount.name} is being deleted` };
    if (s.pod) {
      const pod = this.lookup('pods', s.namespace, s.pod.name);
      if (!pod || pod.metadata?.uid !== s.pod.uid)
        return { reason: `pod ${s.namespace}/${s.pod.name} has been deleted` };
      const deleted = pod.metadata?.deletionTimestamp;
      if (deleted && Date.parse(deleted) + DELETED_POD_GRACE_MS < this.now())
        return { reason: `pod ${s.namespace}/${s.pod.name} is being deleted` };
    }
    if (s.secret) {
      const secret = this.lookup('secrets', s.namespace, s.secret.name);
      if (!secret || secret.metadata?.uid !== s.secret.uid || secret.metadata?.deletionTimestamp)
        return { reason: `secret ${s.namespace}/${s.secret.name} has been deleted` };
    }
    const extra: Record<string, string[]> = {};
    if (s.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [s.pod.uid];
    }
    if (checked.id) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${checked.id}`];
    return {
      user: {
        name: `system:serviceaccount:${s.namespace}:${s.serviceAccount.name}`,
        uid: s.serviceAccount.uid,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${s.namespace}`, 'system:authenticated'],
      },
      audiences: checked.audiences,
      extra,
    };
  }
}
