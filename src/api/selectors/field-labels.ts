/**
 * Which field-selector fields each kind accepts, and how they are renamed before
 * matching: upstream's per-kind field-label conversion, with its per-kind error texts
 * (the API server answers 400 BadRequest with them). Kinds without a rule accept only
 * `metadata.name` and `metadata.namespace`. Note that upstream's apps/v1 ReplicaSet has
 * no rule, so it rejects `status.replicas` although its field set contains it.
 * Pure: table lookups; conversion throws {@link SelectorError}.
 */
import { goQuote } from '../validation/go-format.js';
import { SelectorError } from './errors.js';
import { type FieldSelector, parseFieldSelector } from './field-selector.js';
import { kindKey } from './field-sets.js';

interface FieldLabelRule {
  /** Accepted field names, each mapped to the name used in the field set. */
  fields: Readonly<Record<string, string>>;
  /** The error text for an unsupported field. */
  error: (label: string) => string;
}

const notSupported = (label: string) => `field label not supported: ${label}`;

function same(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, n]));
}

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  'metadata.namespace',
  'metadata.name',
];

const RULES: Readonly<Record<string, FieldLabelRule>> = {
  '/Pod': {
    fields: {
      ...same(
        'metadata.name',
        'metadata.namespace',
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.nominatedNodeName',
      ),
      // Old clients say spec.host.
      'spec.host': 'spec.nodeName',
    },
    error: notSupported,
  },
  '/Node': { fields: same('metadata.name', 'spec.unschedulable'), error: notSupported },
  '/ReplicationController': {
    fields: same('metadata.name', 'metadata.namespace', 'status.replicas'),
    error: notSupported,
  },
  '/Event': { fields: same(...EVENT_FIELDS), error: notSupported },
  '/Namespace': { fields: same('status.phase', 'metadata.name'), error: notSupported },
  '/Secret': { fields: same('type', 'metadata.namespace', 'metadata.name'), error: notSupported },
  '/Service': {
    fields: same('metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'),
    error: notSupported,
  },
  'batch/Job': {
    fields: same('metadata.name', 'metadata.namespace', 'status.successful'),
    error: (label) => `field label ${goQuote(label)} not supported for batchv1.Job`,
  },
  'events.k8s.io/Event': {
    fields: {
      reason: 'reason',
      'regarding.kind': 'involvedObject.kind',
      'regarding.namespace': 'involvedObject.namespace',
      'regarding.name': 'involvedObject.name',
      'regarding.uid': 'involvedObject.uid',
      'regarding.apiVersion': 'involvedObject.apiVersion',
      'regarding.resourceVersion': 'involvedObject.resourceVersion',
      'regarding.fieldPath': 'involvedObject.fieldPath',
      reportingController: 'reportingComponent',
      source: 'source',
      type: 'type',
      'metadata.namespace': 'metadata.namespace',
      'metadata.name': 'metadata.name',
    },
    error: notSupported,
  },
  'certificates.k8s.io/CertificateSigningRequest': {
    fields: same('metadata.name', 'spec.signerName'),
    error: notSupported,
  },
};

const DEFAULT_RULE: FieldLabelRule = {
  fields: same('metadata.name', 'metadata.namespace'),
  error: (label) =>
    `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

function ruleFor(kind: string, group?: string): FieldLabelRule {
  const k = kindKey(kind, group);
  return (Object.hasOwn(RULES, k) ? RULES[k] : undefined) ?? DEFAULT_RULE;
}

/** The field names a kind accepts in field selectors (before renaming). */
export function supportedFieldLabels(kind: string, group?: string): string[] {
  return Object.keys(ruleFor(kind, group).fields);
}

/**
 * Upstream's error text for the first field of the selector (in its sorted order) that
 * the kind does not support, e.g. `field label not supported: spec.foo`; undefined when
 * every field is supported. A string selector is parsed first, which may throw a
 * {@link SelectorError}.
 */
export function validateFieldSelector(
  kind: string,
  selector: FieldSelector | string,
  group?: string,
): string | undefined {
  const sel = typeof selector === 'string' ? parseFieldSelector(selector) : selector;
  const rule = ruleFor(kind, group);
  const bad = sel.requirements.find((r) => !Object.hasOwn(rule.fields, r.field));
  return bad ? rule.error(bad.field) : undefined;
}

/**
 * Checks the selector against the kind and renames its fields to the names of
 * {@link fieldsOf} (e.g. events.k8s.io `regarding.name` to `involvedObject.name`, Pod
 * `spec.host` to `spec.nodeName`), ready for matching. Throws a {@link SelectorError}
 * with upstream's text for the first unsupported field.
 */
export function convertFieldSelector(
  kind: string,
  selector: FieldSelector | string,
  group?: string,
): FieldSelector {
  const sel = typeof selector === 'string' ? parseFieldSelector(selector) : selector;
  const problem = validateFieldSelector(kind, sel, group);
  if (problem) throw new SelectorError(problem);
  const { fields } = ruleFor(kind, group);
  return sel.mapFields((f) => fields[f] ?? f);
}
