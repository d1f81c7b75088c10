#!/usr/bin/env node
// Build step: turns the declaration files of the `kubernetes-types` package into OpenAPI v3
// component schemas named the way the Kubernetes API server names them
// (`io.k8s.api.core.v1.Pod`, `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`, ...), and
// writes them to dist/openapi/schemas.json (or to the path given as the first argument).
//
// It reads syntax only (no type checker), so it runs in well under a second. Descriptions
// come from the doc comments; `required` lists the non-optional fields; top-level kinds
// (interfaces with apiVersion and kind) carry `x-kubernetes-group-version-kind`. The
// declarations do not say how wide a number is, so the few 64-bit integer and floating
// point fields are listed below (every other number is an int32, as in the API types).
// The output is deterministic: the same input always gives the same bytes.
//
// It must not write anywhere but its output file, and must not depend on the network.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REF = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** Number fields that are int64 in the API types, by `Type.field`. */
const INT64_FIELDS = {
  ControllerRevision: ['revision'],
  CronJobSpec: ['startingDeadlineSeconds'],
  Condition: ['observedGeneration'],
  ContainerImage: ['sizeBytes'],
  DaemonSetStatus: ['observedGeneration'],
  DeleteOptions: ['gracePeriodSeconds'],
  DeploymentStatus: ['observedGeneration'],
  DeviceAttribute: ['int'],
  DeviceRequest: ['count'],
  HorizontalPodAutoscalerStatus: ['observedGeneration'],
  JobSpec: ['activeDeadlineSeconds'],
  JSONSchemaProps: ['maxItems', 'maxLength', 'maxProperties', 'minItems', 'minLength', 'minProperties'],
  LinuxContainerUser: ['gid', 'supplementalGroups', 'uid'],
  ListMeta: ['remainingItemCount'],
  ListOptions: ['limit', 'timeoutSeconds'],
  ObjectMeta: ['deletionGracePeriodSeconds', 'generation'],
  PodDisruptionBudgetStatus: ['observedGeneration'],
  PodLogOptions: ['limitBytes', 'sinceSeconds', 'tailLines'],
  PodSecurityContext: ['fsGroup', 'runAsGroup', 'runAsUser', 'supplementalGroups'],
  PodSpec: ['activeDeadlineSeconds', 'terminationGracePeriodSeconds'],
  Probe: ['terminationGracePeriodSeconds'],
  ReplicaSetStatus: ['observedGeneration'],
  ReplicationControllerStatus: ['observedGeneration'],
  ResourcePool: ['generation', 'resourceSliceCount'],
  SecurityContext: ['runAsGroup', 'runAsUser'],
  ServiceAccountTokenProjection: ['expirationSeconds'],
  SleepAction: ['seconds'],
  StatefulSetStatus: ['observedGeneration'],
  StorageVersionCondition: ['observedGeneration'],
  TokenRequest: ['expirationSeconds'],
  TokenRequestSpec: ['expirationSeconds'],
  Toleration: ['tolerationSeconds'],
  ValidatingAdmissionPolicyStatus: ['observedGeneration'],
};

/** Number fields that are floating point (`double`) in the API types. */
const DOUBLE_FIELDS = { JSONSchemaProps: ['maximum', 'minimum', 'multipleOf'] };

/** Interfaces without properties whose schema has no `type` (any JSON value). */
const UNTYPED = new Set(['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']);

/**
 * Vendor-extension fields of JSONSchemaProps that the declaration files leave out but the
 * API accepts (custom resource schemas use them).
 */
const JSON_SCHEMA_PROPS_EXTRAS = {
  'x-kubernetes-embedded-resource': {
    description:
      'Marks an object that holds a whole Kubernetes object (apiVersion, kind and metadata are checked and kept). Requires type: object.',
    type: 'boolean',
  },
  'x-kubernetes-int-or-string': {
    description: 'Accepts either an integer or a string at this place.',
    type: 'boolean',
  },
  'x-kubernetes-list-map-keys': {
    description: 'For x-kubernetes-list-type "map": the fields of each item that together identify it.',
    items: { type: 'string' },
    type: 'array',
  },
  'x-kubernetes-list-type': {
    description:
      'How a list is merged and compared: "atomic" (replaced whole), "set" (unique scalar items) or "map" (items keyed by x-kubernetes-list-map-keys).',
    type: 'string',
  },
  'x-kubernetes-map-type': {
    description: 'How an object is merged: "granular" (field by field) or "atomic" (replaced whole).',
    type: 'string',
  },
  'x-kubernetes-preserve-unknown-fields': {
    description: 'Keeps fields the schema does not describe instead of pruning them.',
    type: 'boolean',
  },
  'x-kubernetes-validations': {
    description: 'CEL validation rules that apply at this place of the schema.',
    items: {
      allOf: [{ $ref: `${REF}io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule` }],
    },
    type: 'array',
  },
};

const str = (description) => ({ description, type: 'string' });
const bool = (description) => ({ description, type: 'boolean' });
const strings = (description) => ({ description, items: { type: 'string' }, type: 'array' });
const ref = (name, description) => ({ allOf: [{ $ref: REF + name }], description });
const refs = (name, description) => ({
  description,
  items: { allOf: [{ $ref: REF + name }], default: {} },
  type: 'array',
});
const CORE = 'io.k8s.api.core.v1';

/**
 * Types and fields the API of this server version has but the 1.30 declaration files lack
 * (added in 1.31 and 1.32, or dropped from the declarations by mistake). Without them strict
 * field validation would reject manifests that a 1.32 API server accepts.
 */
const EXTRA_TYPES = {
  [`${CORE}.ImageVolumeSource`]: {
    description: 'An OCI image or artifact mounted read-only as a volume.',
    properties: {
      pullPolicy: str('When to pull the image: Always, Never or IfNotPresent (Always for the latest tag).'),
      reference: str('Image or artifact reference, as for a container image.'),
    },
    type: 'object',
  },
  [`${CORE}.ContainerUser`]: {
    description: 'The identity the first process of a container runs as.',
    properties: { linux: ref(`${CORE}.LinuxContainerUser`, 'The Linux user and groups of the process.') },
    type: 'object',
  },
  [`${CORE}.LinuxContainerUser`]: {
    description: 'Linux user and groups of a container process.',
    properties: {
      gid: { description: 'Primary group ID.', format: 'int64', type: 'integer' },
      supplementalGroups: {
        description: 'Supplementary group IDs.',
        items: { format: 'int64', type: 'integer' },
        type: 'array',
      },
      uid: { description: 'User ID.', format: 'int64', type: 'integer' },
    },
    required: ['uid', 'gid'],
    type: 'object',
  },
  [`${CORE}.ResourceStatus`]: {
    description: 'Health of the devices allocated to a container for one resource.',
    properties: {
      name: str('Name of the resource, as in the container resources or a claim.'),
      resources: refs(`${CORE}.ResourceHealth`, 'Health of each allocated device.'),
    },
    required: ['name'],
    type: 'object',
  },
  [`${CORE}.ResourceHealth`]: {
    description: 'Health of one allocated device.',
    properties: {
      health: str('Healthy, Unhealthy or Unknown.'),
      resourceID: str('Identifier of the device.'),
    },
    required: ['resourceID'],
    type: 'object',
  },
  [`${CORE}.NodeFeatures`]: {
    description: 'Optional features the node implements.',
    properties: {
      supplementalGroupsPolicy: bool('Whether the node honours pod supplementalGroupsPolicy.'),
    },
    type: 'object',
  },
  'io.k8s.api.authorization.v1.FieldSelectorAttributes': {
    description: 'A field selector limiting the objects an access review is about.',
    properties: {
      rawSelector: str('The selector as it appears in a query string.'),
      requirements: refs(`${META}.FieldSelectorRequirement`, 'The selector as parsed requirements.'),
    },
    type: 'object',
  },
  'io.k8s.api.authorization.v1.LabelSelectorAttributes': {
    description: 'A label selector limiting the objects an access review is about.',
    properties: {
      rawSelector: str('The selector as it appears in a query string.'),
      requirements: refs(`${META}.LabelSelectorRequirement`, 'The selector as parsed requirements.'),
    },
    type: 'object',
  },
  [`${META}.FieldSelectorRequirement`]: {
    description: 'One requirement of a field selector: a key, an operator and values.',
    properties: {
      key: str('The field the requirement is about.'),
      operator: str('In, NotIn, Exists or DoesNotExist.'),
      values: strings('Values for In and NotIn; empty for Exists and DoesNotExist.'),
    },
    required: ['key', 'operator'],
    type: 'object',
  },
};

/** Extra properties per existing schema (and names to add to its `required` list). */
const EXTRA_FIELDS = {
  [`${CORE}.Volume`]: {
    image: ref(`${CORE}.ImageVolumeSource`, 'An OCI image mounted as a read-only volume.'),
  },
  [`${CORE}.ContainerStatus`]: {
    allocatedResourcesStatus: refs(
      `${CORE}.ResourceStatus`,
      'Health of the devices allocated to the container.',
    ),
    user: ref(`${CORE}.ContainerUser`, 'The user and groups the first process of the container runs as.'),
  },
  [`${CORE}.NodeRuntimeHandlerFeatures`]: {
    userNamespaces: bool('Whether the handler supports user namespaces.'),
  },
  [`${CORE}.NodeStatus`]: { features: ref(`${CORE}.NodeFeatures`, 'Optional features the node implements.') },
  [`${CORE}.PodResourceClaim`]: {
    resourceClaimName: str('Name of an existing ResourceClaim in the pod namespace.'),
    resourceClaimTemplateName: str('Name of a ResourceClaimTemplate from which a claim is made for the pod.'),
  },
  [`${CORE}.PodSecurityContext`]: {
    seLinuxChangePolicy: str('How the SELinux label is applied to volumes: MountOption or Recursive.'),
    supplementalGroupsPolicy: str(
      'How supplementary groups of the first process are computed: Merge or Strict.',
    ),
  },
  [`${CORE}.PodSpec`]: {
    resources: ref(`${CORE}.ResourceRequirements`, 'Resources shared by all containers of the pod.'),
  },
  [`${CORE}.ResourceClaim`]: { request: str('Name of one request of the claim; empty for all of them.') },
  'io.k8s.api.coordination.v1.LeaseSpec': {
    preferredHolder: str('The holder a coordinated lease should pass to.'),
    strategy: str('How a coordinated leader election picks the holder.'),
  },
  'io.k8s.api.authorization.v1.ResourceAttributes': {
    fieldSelector: ref(
      'io.k8s.api.authorization.v1.FieldSelectorAttributes',
      'Limits the review to objects matching a field selector.',
    ),
    labelSelector: ref(
      'io.k8s.api.authorization.v1.LabelSelectorAttributes',
      'Limits the review to objects matching a label selector.',
    ),
  },
  'io.k8s.api.authorization.v1.ResourceRule': {
    resources: strings('Resources the rule applies to; "*" means all.'),
    verbs: strings('Verbs allowed on the resources; "*" means all.'),
  },
};
const EXTRA_REQUIRED = { 'io.k8s.api.authorization.v1.ResourceRule': ['verbs'] };

/** Schema name prefix of a declaration file, by its path inside the package (no extension). */
function prefixOf(module) {
  if (module === 'meta/v1') return META;
  if (module === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (module === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (module === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (module === 'apiextensions/v1') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
  return `io.k8s.api.${module.split('/').join('.')}`;
}

/** The text of the doc comment just before `node`, without the comment markers. */
function docOf(node, text) {
  const ranges = ts.getLeadingCommentRanges(text, node.pos) ?? [];
  const last = ranges.filter((r) => text.startsWith('/**', r.pos)).pop();
  if (!last) return undefined;
  const body = text.slice(last.pos + 3, last.end - 2);
  const lines = body.split('\n').map((line, i) => (i === 0 ? line : line.replace(/^\s*\* ?/, '')));
  const out = lines
    .join('\n')
    .replace(/^\s*\n/, '')
    .replace(/\s+$/, '');
  return out.trim() === '' ? undefined : out.replace(/^ /, '');
}

function listFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function propName(name) {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText();
}

/** Generates every schema of the package rooted at `pkgDir`. */
export function generate(pkgDir) {
  const schemas = {};
  const groupVersions = new Set(['v1']);
  const pendingAllVersions = [];

  for (const file of listFiles(pkgDir)) {
    const module = relative(pkgDir, file)
      .split(sep)
      .join('/')
      .replace(/\.d\.ts$/, '');
    const prefix = prefixOf(module);
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    /** Local and imported type names to their full schema names. */
    const names = new Map();
    for (const st of sf.statements) {
      if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) {
        names.set(st.name.text, `${prefix}.${st.name.text}`);
      } else if (ts.isImportDeclaration(st) && st.importClause?.namedBindings) {
        const from = join(dirname(module), st.moduleSpecifier.text).split(sep).join('/');
        const bindings = st.importClause.namedBindings;
        if (ts.isNamedImports(bindings)) {
          for (const el of bindings.elements) names.set(el.name.text, `${prefixOf(from)}.${el.name.text}`);
        }
      }
    }

    const numberSchema = (owner, field) => {
      if (DOUBLE_FIELDS[owner]?.includes(field)) return { format: 'double', type: 'number' };
      if (INT64_FIELDS[owner]?.includes(field)) return { format: 'int64', type: 'integer' };
      return { format: 'int32', type: 'integer' };
    };

    /** Schema of a type node; `nested` is true for array items and map values. */
    const typeSchema = (node, owner, field, nested) => {
      switch (node.kind) {
        case ts.SyntaxKind.StringKeyword:
          return { type: 'string' };
        case ts.SyntaxKind.NumberKeyword:
          return numberSchema(owner, field);
        case ts.SyntaxKind.BooleanKeyword:
          return { type: 'boolean' };
        case ts.SyntaxKind.LiteralType:
          return { type: typeof node.literal.text === 'string' ? 'string' : 'number' };
        case ts.SyntaxKind.ParenthesizedType:
          return typeSchema(node.type, owner, field, nested);
        case ts.SyntaxKind.ArrayType:
          return { items: typeSchema(node.elementType, owner, field, true), type: 'array' };
        case ts.SyntaxKind.UnionType: {
          const kinds = node.types.map((t) => t.kind).sort();
          if (kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword)) {
            return refSchema(INT_OR_STRING, nested);
          }
          throw new Error(`unsupported union ${node.getText()} in ${owner}.${field}`);
        }
        case ts.SyntaxKind.TypeLiteral: {
          const index = node.members.find((m) => ts.isIndexSignatureDeclaration(m));
          if (!index) throw new Error(`unsupported type literal in ${owner}.${field}`);
          return { additionalProperties: typeSchema(index.type, owner, field, true), type: 'object' };
        }
        case ts.SyntaxKind.TypeReference: {
          const name = node.typeName.getText();
          if (name === 'Array' && node.typeArguments?.length === 1) {
            return { items: typeSchema(node.typeArguments[0], owner, field, true), type: 'array' };
          }
          const full = names.get(name);
          if (!full) throw new Error(`unknown type ${name} in ${owner}.${field}`);
          return refSchema(full, nested);
        }
        default:
          throw new Error(`unsupported type ${ts.SyntaxKind[node.kind]} in ${owner}.${field}`);
      }
    };

    for (const st of sf.statements) {
      if (ts.isTypeAliasDeclaration(st)) {
        const full = `${prefix}.${st.name.text}`;
        schemas[full] = aliasSchema(full, st, docOf(st, text));
        continue;
      }
      if (!ts.isInterfaceDeclaration(st)) continue;
      const owner = st.name.text;
      const full = `${prefix}.${owner}`;
      const description = docOf(st, text);
      const properties = {};
      const required = [];
      const literals = {};
      for (const m of st.members) {
        if (!ts.isPropertySignature(m) || !m.type) continue;
        const name = propName(m.name);
        const prop = typeSchema(m.type, owner, name, false);
        const doc = docOf(m, text);
        properties[name] = withDescription(prop, doc);
        if (!m.questionToken) required.push(name);
        if (ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal))
          literals[name] = m.type.literal.text;
      }
      if (full === 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps') {
        Object.assign(properties, JSON_SCHEMA_PROPS_EXTRAS);
      }
      const schema = {};
      if (description) schema.description = description;
      if (Object.keys(properties).length > 0) schema.properties = sortKeys(properties);
      if (required.length > 0) schema.required = required;
      if (!UNTYPED.has(full)) schema.type = 'object';

      if ('apiVersion' in properties && 'kind' in properties) {
        if (literals.apiVersion && literals.kind) {
          const i = literals.apiVersion.indexOf('/');
          const group = i < 0 ? '' : literals.apiVersion.slice(0, i);
          const version = literals.apiVersion.slice(i + 1);
          groupVersions.add(literals.apiVersion);
          schema['x-kubernetes-group-version-kind'] = [{ group, kind: literals.kind, version }];
        } else if (full === `${META}.Status`) {
          schema['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];
        } else if (full === `${META}.DeleteOptions`) {
          pendingAllVersions.push([schema, owner]);
        }
      } else if (full === `${META}.WatchEvent`) {
        pendingAllVersions.push([schema, owner]);
      }
      schemas[full] = schema;
    }
  }

  // Options and events that every group version accepts name all of them, as upstream does.
  const gvs = [...groupVersions].map((gv) => {
    const i = gv.indexOf('/');
    return { group: i < 0 ? '' : gv.slice(0, i), version: gv.slice(i + 1) };
  });
  gvs.sort((a, b) => (a.group === b.group ? cmp(a.version, b.version) : cmp(a.group, b.group)));
  for (const [schema, kind] of pendingAllVersions) {
    schema['x-kubernetes-group-version-kind'] = gvs.map((gv) => ({
      group: gv.group,
      kind,
      version: gv.version,
    }));
  }

  for (const [name, schema] of Object.entries(EXTRA_TYPES)) schemas[name] = schema;
  for (const [name, fields] of Object.entries(EXTRA_FIELDS)) {
    const schema = schemas[name];
    if (!schema) throw new Error(`no schema ${name} to extend`);
    schema.properties = sortKeys({ ...schema.properties, ...fields });
    const required = EXTRA_REQUIRED[name];
    if (required) schema.required = [...(schema.required ?? []), ...required];
  }

  schemas[INT_OR_STRING] = {
    description:
      'IntOrString holds either an int32 or a string. In JSON it is written as the value it holds, so a field of this type accepts either a number or a name.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  };
  return sortKeys(schemas);
}

function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(obj) {
  const out = {};
  for (const k of Object.keys(obj).sort(cmp)) out[k] = obj[k];
  return out;
}

/** A reference in the style of upstream v3 documents. */
function refSchema(full, nested) {
  const ref = { $ref: REF + full };
  if (!nested) return { allOf: [ref] };
  // Items and map values of struct type carry `default: {}` and so need the allOf wrapper.
  return isStructName(full) ? { allOf: [ref], default: {} } : ref;
}

const SCALAR_NAMES = new Set([
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  `${META}.Time`,
  `${META}.MicroTime`,
  INT_OR_STRING,
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray',
]);

function isStructName(full) {
  return !SCALAR_NAMES.has(full);
}

function withDescription(prop, doc) {
  // A reference with nothing beside it needs no allOf wrapper.
  if (!doc) return prop.allOf && Object.keys(prop).length === 1 ? prop.allOf[0] : prop;
  const out = { ...prop, description: doc };
  return sortKeys(out);
}

/** Schema of a type alias: the scalar wrappers (Quantity, Time) and the JSON-schema unions. */
function aliasSchema(full, node, description) {
  const schema = description ? { description } : {};
  if (full === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    return { ...schema, oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
  if (full === `${META}.Time` || full === `${META}.MicroTime`) {
    return { ...schema, format: 'date-time', type: 'string' };
  }
  if (node.type.kind === ts.SyntaxKind.StringKeyword) return { ...schema, type: 'string' };
  // JSONSchemaPropsOrArray / OrBool / OrStringArray: any of several JSON shapes, no type.
  return schema;
}

function main() {
  const started = performance.now();
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const require = createRequire(join(root, 'package.json'));
  const pkgJson = require.resolve('kubernetes-types/package.json');
  const pkgDir = dirname(pkgJson);
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const out = resolve(root, process.argv[2] ?? 'dist/openapi/schemas.json');
  const schemas = generate(pkgDir);
  mkdirSync(dirname(out), { recursive: true });
  const body = `${JSON.stringify({ source: `kubernetes-types@${version}`, schemas })}\n`;
  writeFileSync(out, body);
  const ms = Math.round(performance.now() - started);
  console.log(
    `gen-openapi: ${Object.keys(schemas).length} schemas, ${body.length} bytes -> ${relative(root, out)} (${ms} ms)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
