/**
 * The `paths` of a group-version document: for every resource of the group version in
 * src/api/resources.ts, its collection, item and (for namespaced resources) all-namespaces
 * list paths, and its subresources, with the operations its verbs allow. Pure: the caller
 * passes a function that names the schema of a kind.
 */
import type { ResourceInfo, SubresourceInfo, Verb } from '../resources.js';
import { resourcesOf } from '../resources.js';
import {
  body,
  DELETE_OPTIONS,
  groupVersionPart,
  listResponses,
  META,
  operation,
  params,
  patchBody,
  responses,
  STATUS,
  subresourcePart,
  tagOf,
  textResponses,
} from './operations.js';
import type { GroupVersionKind, Operation, PathItem } from './schema.js';

/** Names the component schema of a kind, or undefined when there is none. */
export type KindSchemaLookup = (group: string, version: string, kind: string) => string | undefined;

/** `/api/v1` or `/apis/apps/v1`. */
export function groupVersionBase(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

interface Ctx {
  gv: string;
  tag: string;
  lookup: KindSchemaLookup;
}

function has(verbs: Verb[], verb: Verb): boolean {
  return verbs.includes(verb);
}

function resourcePaths(res: ResourceInfo, ctx: Ctx, out: Record<string, PathItem>): void {
  const gvk: GroupVersionKind = { group: res.group, kind: res.kind, version: res.version };
  const schema = ctx.lookup(res.group, res.version, res.kind);
  const listSchema = ctx.lookup(res.group, res.version, `${res.kind}List`);
  const scope = res.namespaced ? 'Namespaced' : '';
  const base = groupVersionBase(res.group, res.version);
  const collection = res.namespaced
    ? `${base}/namespaces/{namespace}/${res.plural}`
    : `${base}/${res.plural}`;
  const item = `${collection}/{name}`;
  const ns = res.namespaced ? [params.namespaceParam] : [];
  const id = (verb: string, suffix = '') => `${verb}${ctx.gv}${scope}${res.kind}${suffix}`;
  const common = { gvk, tag: ctx.tag };

  const coll: PathItem = {};
  if (has(res.verbs, 'deletecollection')) {
    coll.delete = operation({
      ...common,
      action: 'deletecollection',
      description: `delete a collection of ${res.kind} objects`,
      operationId: `delete${ctx.gv}Collection${scope}${res.kind}`,
      parameters: params.deleteCollectionParams,
      requestBody: body(DELETE_OPTIONS),
      responses: responses({ '200': 'OK' }, STATUS),
    });
  }
  if (has(res.verbs, 'list')) {
    coll.get = operation({
      ...common,
      action: 'list',
      description: `list or watch ${res.kind} objects`,
      operationId: id('list'),
      parameters: params.listParams,
      responses: listResponses(listSchema),
    });
  }
  if (has(res.verbs, 'create')) {
    coll.post = operation({
      ...common,
      action: 'post',
      description: `create a ${res.kind}`,
      operationId: id('create'),
      parameters: params.createParams,
      requestBody: body(schema),
      responses: responses({ '200': 'OK', '201': 'Created', '202': 'Accepted' }, schema),
    });
  }
  addPath(out, collection, coll, [...ns, params.pretty]);

  const one: PathItem = {};
  if (has(res.verbs, 'delete')) {
    one.delete = operation({
      ...common,
      action: 'delete',
      description: `delete a ${res.kind}`,
      operationId: id('delete'),
      parameters: params.deleteParams,
      requestBody: body(DELETE_OPTIONS),
      responses: responses({ '200': 'OK', '202': 'Accepted' }, STATUS),
    });
  }
  if (has(res.verbs, 'get')) {
    one.get = operation({
      ...common,
      action: 'get',
      description: `read the specified ${res.kind}`,
      operationId: id('read'),
      responses: responses({ '200': 'OK' }, schema),
    });
  }
  if (has(res.verbs, 'patch'))
    one.patch = patchOperation(id('patch'), `partially update the specified ${res.kind}`, common, schema);
  if (has(res.verbs, 'update'))
    one.put = putOperation(id('replace'), `replace the specified ${res.kind}`, common, schema);
  addPath(out, item, one, [params.nameParam(res.kind), ...ns, params.pretty]);

  if (res.namespaced && has(res.verbs, 'list')) {
    const all: PathItem = {
      get: operation({
        ...common,
        action: 'list',
        description: `list or watch ${res.kind} objects in every namespace`,
        operationId: `list${ctx.gv}${res.kind}ForAllNamespaces`,
        parameters: params.listParams,
        responses: listResponses(listSchema),
      }),
    };
    addPath(out, `${base}/${res.plural}`, all, [params.pretty]);
  }

  for (const sub of res.subresources ?? []) {
    subresourcePath(res, sub, `${item}/${sub.name}`, ns, id, ctx, out);
  }
}

function patchOperation(
  operationId: string,
  description: string,
  common: { gvk: GroupVersionKind; tag: string },
  schema: string | undefined,
): Operation {
  return operation({
    ...common,
    action: 'patch',
    description,
    operationId,
    parameters: params.patchParams,
    requestBody: patchBody(),
    responses: responses({ '200': 'OK', '201': 'Created' }, schema),
  });
}

function putOperation(
  operationId: string,
  description: string,
  common: { gvk: GroupVersionKind; tag: string },
  schema: string | undefined,
): Operation {
  return operation({
    ...common,
    action: 'put',
    description,
    operationId,
    parameters: params.updateParams,
    requestBody: body(schema),
    responses: responses({ '200': 'OK', '201': 'Created' }, schema),
  });
}

const CONNECT = new Map([
  ['exec', params.execParams],
  ['attach', params.attachParams],
  ['portforward', params.portForwardParams],
]);

function subresourcePath(
  res: ResourceInfo,
  sub: SubresourceInfo,
  path: string,
  ns: typeof params.listParams,
  id: (verb: string, suffix?: string) => string,
  ctx: Ctx,
  out: Record<string, PathItem>,
): void {
  const gvk: GroupVersionKind = {
    group: sub.group ?? res.group,
    kind: sub.kind ?? res.kind,
    version: sub.version ?? res.version,
  };
  const schema = ctx.lookup(gvk.group, gvk.version, gvk.kind);
  const suffix = subresourcePart(sub.name);
  const common = { gvk, tag: ctx.tag };
  const what = `${sub.name} of the specified ${res.kind}`;
  const item: PathItem = {};

  const connect = CONNECT.get(sub.name);
  if (connect) {
    for (const [verb, method] of [
      ['get', 'get'],
      ['create', 'post'],
    ] as const) {
      if (!has(sub.verbs, verb)) continue;
      const m = method === 'get' ? 'Get' : 'Post';
      item[method] = operation({
        ...common,
        action: 'connect',
        description: `connect ${method.toUpperCase()} requests to ${what}`,
        operationId: `connect${ctx.gv}${m}${res.namespaced ? 'Namespaced' : ''}${res.kind}${suffix}`,
        parameters: connect,
        responses: textResponses(['*/*']),
      });
    }
  } else if (sub.name === 'log') {
    item.get = operation({
      ...common,
      action: 'get',
      description: `read the log of the specified ${res.kind}`,
      operationId: id('read', suffix),
      parameters: params.logParams,
      responses: textResponses([
        'application/json',
        'application/vnd.kubernetes.protobuf',
        'application/yaml',
        'text/plain',
      ]),
    });
  } else {
    if (has(sub.verbs, 'get')) {
      item.get = operation({
        ...common,
        action: 'get',
        description: `read ${what}`,
        operationId: id('read', suffix),
        responses: responses({ '200': 'OK' }, schema),
      });
    }
    if (has(sub.verbs, 'patch'))
      item.patch = patchOperation(id('patch', suffix), `partially update ${what}`, common, schema);
    if (has(sub.verbs, 'create')) {
      item.post = operation({
        ...common,
        action: 'post',
        description: `create ${what}`,
        operationId: id('create', suffix),
        parameters: params.createParams,
        requestBody: body(schema),
        responses: responses({ '200': 'OK', '201': 'Created', '202': 'Accepted' }, schema),
      });
    }
    if (has(sub.verbs, 'update'))
      item.put = putOperation(id('replace', suffix), `replace ${what}`, common, schema);
  }
  addPath(out, path, item, [params.nameParam(gvk.kind), ...ns, params.pretty]);
}

/** Adds a path item with its operations in method order and the shared parameters last. */
function addPath(
  out: Record<string, PathItem>,
  path: string,
  ops: PathItem,
  shared: typeof params.listParams,
): void {
  const methods = (['delete', 'get', 'patch', 'post', 'put'] as const).filter((m) => ops[m]);
  if (methods.length === 0) return;
  const item: PathItem = {};
  for (const m of methods) item[m] = ops[m];
  item.parameters = shared;
  out[path] = item;
}

/** The paths of one group version, keyed and sorted by path. */
export function groupVersionPaths(
  group: string,
  version: string,
  lookup: KindSchemaLookup,
): Record<string, PathItem> {
  const gv = groupVersionPart(group, version);
  const ctx: Ctx = { gv, lookup, tag: tagOf(group, version) };
  const out: Record<string, PathItem> = {};
  out[`${groupVersionBase(group, version)}/`] = {
    get: operation({
      description: 'get available resources',
      operationId: `get${gv}APIResources`,
      responses: responses({ '200': 'OK' }, `${META}.APIResourceList`),
      tag: ctx.tag,
    }),
  };
  for (const res of resourcesOf(group, version)) resourcePaths(res, ctx, out);
  const sorted: Record<string, PathItem> = {};
  for (const k of Object.keys(out).sort()) sorted[k] = out[k]!;
  return sorted;
}
