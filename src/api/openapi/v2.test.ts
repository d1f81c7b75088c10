/**
 * The OpenAPI v2 document: the v3 -> v2 mapping of schemas and operations, and the
 * protobuf form read back by an independent decoder (protobufjs with gnostic's message
 * definitions for the fields written) as kubectl reads it: PATCH operations with their
 * group-version-kind and fieldValidation parameter, definitions with their kinds, and
 * extension values that parse as YAML.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { parse as parseYaml } from 'yaml';
import { openApiV2Served } from './index.js';
import type { Operation, Schema } from './schema.js';
import { operationV2, schemaV2 } from './v2.js';

const GNOSTIC_SUBSET = `
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Info { string title = 1; string version = 2; }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Schema {
  string _ref = 1; string format = 2; string description = 4; Any default = 5;
  repeated string required = 19; repeated Any enum = 20;
  AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22; ItemsItem items = 23;
  repeated Schema all_of = 24; Properties properties = 25; repeated NamedAny vendor_extension = 31;
}
message Definitions { repeated NamedSchema additional_properties = 1; }
message BodyParameter { string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5; }
message QueryParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 6; bool unique_items = 20; }
message PathParameterSubSchema { bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; bool unique_items = 19; }
message NonBodyParameter { oneof oneof { QueryParameterSubSchema query_parameter_sub_schema = 3; PathParameterSubSchema path_parameter_sub_schema = 4; } }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message ParametersItem { oneof oneof { Parameter parameter = 1; } }
message SchemaItem { oneof oneof { Schema schema = 1; } }
message Response { string description = 1; SchemaItem schema = 2; }
message ResponseValue { oneof oneof { Response response = 1; } }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message Responses { repeated NamedResponseValue response_code = 1; }
message Operation {
  repeated string tags = 1; string description = 3; string operation_id = 5; repeated string produces = 6;
  repeated string consumes = 7; repeated ParametersItem parameters = 8; Responses responses = 9;
  repeated string schemes = 10; repeated NamedAny vendor_extension = 13;
}
message PathItem { Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5; Operation patch = 8; repeated ParametersItem parameters = 9; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message Paths { repeated NamedPathItem path = 2; }
message Document { string swagger = 1; Info info = 2; Paths paths = 8; Definitions definitions = 9; }
`;

interface NamedAny {
  name: string;
  value: { yaml: string };
}
interface PSchema {
  _ref?: string;
  description?: string;
  type?: { value: string[] };
  properties?: { additionalProperties: { name: string; value: PSchema }[] };
  additionalProperties?: { schema?: PSchema; boolean?: boolean };
  items?: { schema: PSchema[] };
  vendorExtension?: NamedAny[];
}
interface POperation {
  operationId: string;
  parameters?: {
    parameter: {
      bodyParameter?: { name: string; schema: PSchema };
      nonBodyParameter?: { queryParameterSubSchema?: { name: string; type: string } };
    };
  }[];
  responses: { responseCode: { name: string; value: { response: { schema?: { schema: PSchema } } } }[] };
  vendorExtension?: NamedAny[];
}
interface PDocument {
  swagger: string;
  info: { title: string; version: string };
  paths: { path: { name: string; value: { patch?: POperation; post?: POperation } }[] };
  definitions: { additionalProperties: { name: string; value: PSchema }[] };
}

function decode(bytes: Buffer): PDocument {
  const root = protobuf.parse(GNOSTIC_SUBSET, { keepCase: false }).root;
  const Document = root.lookupType('openapi.v2.Document');
  return Document.toObject(Document.decode(bytes), { defaults: false, oneofs: false }) as PDocument;
}

const extension = (list: NamedAny[] | undefined, name: string): unknown => {
  const e = list?.find((x) => x.name === name);
  return e ? parseYaml(e.value.yaml) : undefined;
};

describe('OpenAPI v2 mapping', () => {
  it('turns a lone allOf reference into $ref to a definition, keeping its description', () => {
    const s: Schema = {
      description: 'outer',
      properties: {
        meta: { allOf: [{ $ref: '#/components/schemas/io.k8s.X' }], description: 'the meta', default: {} },
        list: { type: 'array', items: { $ref: '#/components/schemas/io.k8s.Y' } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
      },
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'X' }],
    };
    assert.deepEqual(schemaV2(s), {
      description: 'outer',
      properties: {
        meta: { $ref: '#/definitions/io.k8s.X', description: 'the meta', default: {} },
        list: { type: 'array', items: { $ref: '#/definitions/io.k8s.Y' } },
        map: { type: 'object', additionalProperties: { type: 'string' } },
      },
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'X' }],
    });
  });

  it('turns a request body into a body parameter and response content into a schema', () => {
    const ref = { $ref: '#/components/schemas/io.k8s.X' };
    const op: Operation = {
      description: 'create an X',
      operationId: 'createX',
      parameters: [
        { name: 'dryRun', in: 'query', description: 'd', schema: { type: 'string', uniqueItems: true } },
      ],
      requestBody: { content: { '*/*': { schema: ref } }, required: true },
      responses: {
        '200': {
          description: 'OK',
          content: { 'application/json': { schema: ref }, 'application/yaml': { schema: ref } },
        },
        '401': { description: 'Unauthorized' },
      },
      tags: ['x'],
      'x-kubernetes-action': 'post',
    };
    assert.deepEqual(operationV2(op), {
      description: 'create an X',
      consumes: ['*/*'],
      operationId: 'createX',
      parameters: [
        { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.X' } },
        { description: 'd', in: 'query', name: 'dryRun', type: 'string', uniqueItems: true },
      ],
      produces: ['application/json', 'application/yaml'],
      responses: {
        '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.X' } },
        '401': { description: 'Unauthorized' },
      },
      schemes: ['https'],
      tags: ['x'],
      'x-kubernetes-action': 'post',
    });
  });
});

describe('OpenAPI v2 document as protobuf', () => {
  const served = openApiV2Served();
  const doc = decode(served.protobuf);
  const json = JSON.parse(served.json.toString()) as {
    paths: Record<string, unknown>;
    definitions: Record<string, unknown>;
  };

  it('has the Swagger header and the same paths and definitions as the JSON form', () => {
    assert.equal(doc.swagger, '2.0');
    assert.equal(doc.info.title, 'Kubernetes');
    assert.deepEqual(
      doc.paths.path.map((p) => p.name),
      Object.keys(json.paths),
    );
    assert.deepEqual(
      doc.definitions.additionalProperties.map((d) => d.name),
      Object.keys(json.definitions),
    );
    assert.ok(served.etag.length > 100);
  });

  it('gives a PATCH operation its kind and the fieldValidation parameter', () => {
    const item = doc.paths.path.find(
      (p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
    );
    const patch = item?.value.patch;
    assert.ok(patch, 'PATCH of a deployment');
    assert.deepEqual(extension(patch.vendorExtension, 'x-kubernetes-group-version-kind'), {
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    });
    const query = (patch.parameters ?? []).map(
      (p) => p.parameter.nonBodyParameter?.queryParameterSubSchema?.name,
    );
    assert.ok(query.includes('fieldValidation'));
    const body = patch.parameters?.find((p) => p.parameter.bodyParameter)?.parameter.bodyParameter;
    assert.equal(body?.schema._ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
    const ok = patch.responses.responseCode.find((r) => r.name === '200');
    assert.equal(ok?.value.response.schema?.schema._ref, '#/definitions/io.k8s.api.apps.v1.Deployment');
  });

  it('has no PATCH for TokenReview, and its definition names its kind and fields', () => {
    const item = doc.paths.path.find((p) => p.name === '/apis/authentication.k8s.io/v1/tokenreviews');
    assert.ok(item?.value.post);
    assert.equal(item.value.patch, undefined);
    const def = doc.definitions.additionalProperties.find(
      (d) => d.name === 'io.k8s.api.authentication.v1.TokenReview',
    );
    assert.ok(def);
    assert.deepEqual(extension(def.value.vendorExtension, 'x-kubernetes-group-version-kind'), [
      { group: 'authentication.k8s.io', kind: 'TokenReview', version: 'v1' },
    ]);
    const props = Object.fromEntries(
      def.value.properties?.additionalProperties.map((p) => [p.name, p.value]) ?? [],
    );
    assert.equal(props['spec']?._ref, '#/definitions/io.k8s.api.authentication.v1.TokenReviewSpec');
    assert.deepEqual(props['kind']?.type?.value, ['string']);
  });

  it('writes maps, arrays and their element schemas', () => {
    const def = doc.definitions.additionalProperties.find((d) => d.name === 'io.k8s.api.core.v1.ConfigMap');
    const props = Object.fromEntries(
      def?.value.properties?.additionalProperties.map((p) => [p.name, p.value]) ?? [],
    );
    assert.deepEqual(props['data']?.type?.value, ['object']);
    assert.deepEqual(props['data']?.additionalProperties?.schema?.type?.value, ['string']);
    const pod = doc.definitions.additionalProperties.find((d) => d.name === 'io.k8s.api.core.v1.PodSpec');
    const podProps = Object.fromEntries(
      pod?.value.properties?.additionalProperties.map((p) => [p.name, p.value]) ?? [],
    );
    assert.deepEqual(podProps['containers']?.type?.value, ['array']);
    assert.equal(
      podProps['containers']?.items?.schema[0]?._ref,
      '#/definitions/io.k8s.api.core.v1.Container',
    );
  });
});
