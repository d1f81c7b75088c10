/**
 * The selectable field set of an object, per kind, as upstream's storage computes it for
 * field-selector matching: `metadata.name` and `metadata.namespace` for everything, plus
 * a few kind-specific fields (Pod node, phase and IP; Event involved object; Node
 * unschedulable; Secret type; ...). Values are strings as upstream renders them
 * (`"true"`/`"false"`, decimal counts, "" when unset). Keys are the names field
 * selectors use after conversion (see field-labels.ts), so events.k8s.io Events use the
 * core names too. Pure: reads the object, never mutates it.
 */

type Obj = Record<string, unknown>;

function rec(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function count(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

function bool(v: unknown): string {
  return v === true ? 'true' : 'false';
}

type FieldsFn = (obj: Obj) => Record<string, string>;

function pod(obj: Obj): Record<string, string> {
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  const podIPs = Array.isArray(status.podIPs) ? status.podIPs : [];
  const firstIP = podIPs.length > 0 ? str(rec(podIPs[0]).ip) : str(status.podIP);
  return {
    'spec.nodeName': str(spec.nodeName),
    'spec.restartPolicy': str(spec.restartPolicy),
    'spec.schedulerName': str(spec.schedulerName),
    'spec.serviceAccountName': str(spec.serviceAccountName),
    'spec.hostNetwork': bool(spec.hostNetwork),
    'status.phase': str(status.phase),
    'status.podIP': firstIP,
    'status.nominatedNodeName': str(status.nominatedNodeName),
  };
}

/** Core and events.k8s.io Events: the latter's `regarding`/`reportingController` read as the former's. */
function event(obj: Obj): Record<string, string> {
  const involved = rec(obj.involvedObject ?? obj.regarding);
  const reporting = str(obj.reportingComponent) || str(obj.reportingController);
  const source = str(rec(obj.source ?? obj.deprecatedSource).component) || reporting;
  return {
    'involvedObject.kind': str(involved.kind),
    'involvedObject.namespace': str(involved.namespace),
    'involvedObject.name': str(involved.name),
    'involvedObject.uid': str(involved.uid),
    'involvedObject.apiVersion': str(involved.apiVersion),
    'involvedObject.resourceVersion': str(involved.resourceVersion),
    'involvedObject.fieldPath': str(involved.fieldPath),
    reason: str(obj.reason),
    reportingComponent: reporting,
    source,
    type: str(obj.type),
  };
}

const replicas: FieldsFn = (obj) => ({ 'status.replicas': count(rec(obj.status).replicas) });

/** Kind-specific fields, keyed by `group/Kind` (core group is ""). */
const KIND_FIELDS: Readonly<Record<string, FieldsFn>> = {
  '/Pod': pod,
  '/Event': event,
  'events.k8s.io/Event': event,
  '/Node': (obj) => ({ 'spec.unschedulable': bool(rec(obj.spec).unschedulable) }),
  '/Namespace': (obj) => ({ 'status.phase': str(rec(obj.status).phase) }),
  '/Secret': (obj) => ({ type: str(obj.type) }),
  '/Service': (obj) => ({
    'spec.clusterIP': str(rec(obj.spec).clusterIP),
    'spec.type': str(rec(obj.spec).type),
  }),
  '/ReplicationController': replicas,
  'apps/ReplicaSet': replicas,
  'batch/Job': (obj) => ({ 'status.successful': count(rec(obj.status).succeeded) }),
  'certificates.k8s.io/CertificateSigningRequest': (obj) => ({
    'spec.signerName': str(rec(obj.spec).signerName),
  }),
};

/** Built-in groups of the kinds above, for callers that know only the kind. */
const DEFAULT_GROUP: Readonly<Record<string, string>> = {
  ReplicaSet: 'apps',
  Job: 'batch',
  CertificateSigningRequest: 'certificates.k8s.io',
};

/** `group/Kind` for a kind and optional group; without a group the built-in owner of the kind is assumed. */
export function kindKey(kind: string, group?: string): string {
  return `${group ?? (Object.hasOwn(DEFAULT_GROUP, kind) ? DEFAULT_GROUP[kind] : '')}/${kind}`;
}

/**
 * The selectable fields of an object of `kind` (in `group`, default: the built-in group
 * of that kind, core for Event). Unknown kinds get the metadata fields only;
 * `metadata.namespace` is "" for cluster-scoped objects.
 */
export function fieldsOf(kind: string, obj: unknown, group?: string): Record<string, string> {
  const o = rec(obj);
  const meta = rec(o.metadata);
  const k = kindKey(kind, group);
  const specific = Object.hasOwn(KIND_FIELDS, k) ? KIND_FIELDS[k] : undefined;
  return {
    ...(specific ? specific(o) : {}),
    'metadata.name': str(meta.name),
    'metadata.namespace': str(meta.namespace),
  };
}
