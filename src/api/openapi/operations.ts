/**
 * Small builders for OpenAPI operations: operation ids and tags in the upstream style
 * (`patchAppsV1NamespacedDeployment`, tag `apps_v1`), media-type maps and the standard
 * responses. Pure.
 */
import * as params from './params.js';
import type { GroupVersionKind, MediaType, Operation, Parameter, Schema } from './schema.js';
import { refTo } from './schema.js';

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const STATUS = `${META}.Status`;
export const DELETE_OPTIONS = `${META}.DeleteOptions`;
export const PATCH = `${META}.Patch`;

const RESPONSE_TYPES = ['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml'];
const LIST_TYPES = [
  'application/json',
  'application/json;stream=watch',
  'application/vnd.kubernetes.protobuf',
  'application/vnd.kubernetes.protobuf;stream=watch',
  'application/yaml',
];
/** The patch formats accepted; kubectl picks strategic merge patch when it is listed. */
export const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `Core`, `Apps`, `RbacAuthorization`, `FlowcontrolApiserver`: the group part of operation ids. */
export function groupPart(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map(capitalize)
    .join('');
}

/** `CoreV1`, `AppsV1`, `AutoscalingV2`. */
export function groupVersionPart(group: string, version: string): string {
  return groupPart(group) + capitalize(version);
}

/** `core_v1`, `apps_v1`, `rbacAuthorization_v1`. */
export function tagOf(group: string, version: string): string {
  const g = groupPart(group);
  return `${g.charAt(0).toLowerCase()}${g.slice(1)}_${version}`;
}

export function subresourcePart(name: string): string {
  return capitalize(name);
}

function content(types: string[], schema: Schema): Record<string, MediaType> {
  const out: Record<string, MediaType> = {};
  for (const t of types) out[t] = { schema };
  return out;
}

/** Responses carrying `schemaName` (or no body when the kind has no schema). */
export function responses(
  codes: Record<string, string>,
  schemaName: string | undefined,
  types: string[] = RESPONSE_TYPES,
): Operation['responses'] {
  const out: Operation['responses'] = {};
  for (const [code, description] of Object.entries(codes)) {
    out[code] = schemaName
      ? { content: content(types, { $ref: refTo(schemaName) }), description }
      : { description };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

export function listResponses(listSchema: string | undefined): Operation['responses'] {
  return responses({ '200': 'OK' }, listSchema, LIST_TYPES);
}

/** A plain-text or streamed answer (logs, exec, attach, port-forward). */
export function textResponses(types: string[]): Operation['responses'] {
  return {
    '200': { content: content(types, { type: 'string' }), description: 'OK' },
    '401': { description: 'Unauthorized' },
  };
}

export function body(schemaName: string | undefined, types: string[] = ['*/*']): Operation['requestBody'] {
  return {
    content: content(types, schemaName ? { $ref: refTo(schemaName) } : { type: 'object' }),
    required: true,
  };
}

export function patchBody(): Operation['requestBody'] {
  return body(PATCH, PATCH_TYPES);
}

export interface OperationSpec {
  description: string;
  operationId: string;
  tag: string;
  action?: string;
  gvk?: GroupVersionKind;
  parameters?: Parameter[];
  requestBody?: Operation['requestBody'];
  responses: Operation['responses'];
}

/** An operation object with its keys in a stable order. */
export function operation(spec: OperationSpec): Operation {
  const op: Partial<Operation> = { description: spec.description, operationId: spec.operationId };
  if (spec.parameters && spec.parameters.length > 0) op.parameters = spec.parameters;
  if (spec.requestBody) op.requestBody = spec.requestBody;
  op.responses = spec.responses;
  op.tags = [spec.tag];
  if (spec.action) op['x-kubernetes-action'] = spec.action;
  if (spec.gvk) op['x-kubernetes-group-version-kind'] = spec.gvk;
  return op as Operation;
}

export { params };
