/**
 * End to end: the real kubectl 1.32 against a small plain-HTTP server that answers
 * discovery from src/api/resources.ts and OpenAPI from this component. Checks that
 * `kubectl explain` finds field descriptions and that `kubectl create` asks for strict
 * field validation (it does only if a kind's PATCH operation lists `fieldValidation`).
 * Skipped when the kubectl binary is not installed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseJsonStrict, strictDecodingMessage } from '../json/index.js';
import { apiVersionOf, groupVersions, parseApiVersion, resourcesOf } from '../resources.js';
import { findUnknownFields, openApiV3Root, openApiV3Served } from './index.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

function resourceList(group: string, version: string): object {
  const resources: object[] = [];
  for (const r of resourcesOf(group, version)) {
    resources.push({
      categories: r.categories,
      kind: r.kind,
      name: r.plural,
      namespaced: r.namespaced,
      shortNames: r.shortNames,
      singularName: r.singular,
      verbs: r.verbs,
    });
    for (const s of r.subresources ?? []) {
      resources.push({
        group: s.group,
        kind: s.kind ?? r.kind,
        name: `${r.plural}/${s.name}`,
        namespaced: r.namespaced,
        singularName: '',
        verbs: s.verbs,
        version: s.version,
      });
    }
  }
  return {
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    kind: 'APIResourceList',
    resources,
  };
}

function groupList(): object {
  const groups = groupVersions()
    .filter((g) => g.group !== '')
    .map(({ group, versions }) => {
      const vs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
      return { name: group, preferredVersion: vs[0], versions: vs };
    });
  return { apiVersion: 'v1', groups, kind: 'APIGroupList' };
}

/** What the fake server saw of create requests. */
const creates: string[] = [];

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(text);
}

function status(code: number, reason: string, message: string): object {
  return { apiVersion: 'v1', code, kind: 'Status', message, metadata: {}, reason, status: 'Failure' };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/version') {
    return send(res, 200, { gitVersion: 'v1.32.0', major: '1', minor: '32', platform: 'linux/amd64' });
  }
  if (path === '/api') {
    return send(res, 200, {
      kind: 'APIVersions',
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      versions: ['v1'],
    });
  }
  if (path === '/apis') return send(res, 200, groupList());
  if (path === '/openapi/v3') return send(res, 200, openApiV3Root());
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiV3Served(path.slice('/openapi/v3/'.length));
    return doc ? send(res, 200, doc.json) : send(res, 404, status(404, 'NotFound', 'no such document'));
  }
  const gv = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (gv && req.method === 'GET') {
    const group = gv[2] ?? '';
    const version = gv[1] ?? gv[3]!;
    if (resourcesOf(group, version).length > 0) return send(res, 200, resourceList(group, version));
  }
  if (req.method === 'POST' && /\/namespaces\/[^/]+\/[^/]+$/.test(path)) {
    creates.push(req.url ?? '');
    let parsed: ReturnType<typeof parseJsonStrict>;
    try {
      parsed = parseJsonStrict(await readBody(req));
    } catch (err) {
      return send(res, 400, status(400, 'BadRequest', String(err)));
    }
    const obj = parsed.value as { apiVersion: string; kind: string; metadata: Record<string, unknown> };
    const { group, version } = parseApiVersion(obj.apiVersion);
    const unknown = findUnknownFields(obj, group, version, obj.kind);
    if (
      url.searchParams.get('fieldValidation') === 'Strict' &&
      (unknown.length > 0 || parsed.duplicates.length > 0)
    ) {
      const message = `${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: ${strictDecodingMessage(unknown, parsed.duplicates)}`;
      return send(res, 400, status(400, 'BadRequest', message));
    }
    obj.metadata = { ...obj.metadata, namespace: 'default', uid: '1', resourceVersion: '1' };
    return send(res, 201, obj);
  }
  return send(
    res,
    404,
    status(404, 'NotFound', `the server could not find the requested resource (${path})`),
  );
}

function kubectl(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args],
      { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stderr, stdout });
      },
    );
  });
}

const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ image: 'nginx', name: 'web' }] },
    },
    ...spec,
  },
});

describe('kubectl 1.32 against the OpenAPI documents', {
  skip: !existsSync(KUBECTL) && 'kubectl 1.32 not installed',
}, () => {
  let server: Server;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-openapi-'));
    server = createServer((req, res) => {
      handle(req, res).catch((err: unknown) => send(res, 500, status(500, 'InternalError', String(err))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    writeFileSync(
      join(dir, 'kubeconfig'),
      JSON.stringify({
        apiVersion: 'v1',
        clusters: [{ cluster: { server: `http://127.0.0.1:${port}` }, name: 'test' }],
        contexts: [{ context: { cluster: 'test', namespace: 'default', user: 'test' }, name: 'test' }],
        'current-context': 'test',
        kind: 'Config',
        users: [{ name: 'test', user: {} }],
      }),
    );
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { force: true, recursive: true });
  });

  it('explains a field of a Deployment', async () => {
    const r = await kubectl(dir, ['explain', 'deployment.spec.replicas']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GROUP:\s+apps/);
    assert.match(r.stdout, /KIND:\s+Deployment/);
    assert.match(r.stdout, /FIELD: replicas <integer>/);
    assert.match(r.stdout, /Number of desired pods/);
  });

  it('explains the containers of a Pod with their fields', async () => {
    const r = await kubectl(dir, ['explain', 'pods.spec.containers']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /FIELD: containers <\[\]Container>/);
    assert.match(r.stdout, /List of containers belonging to the pod/);
    assert.match(r.stdout, /image\s+<string>/);
    assert.match(r.stdout, /Container image name/);
    assert.match(r.stdout, /resources\s+<ResourceRequirements>/);
  });

  it('makes kubectl create ask for strict field validation', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(deployment({ replicas: 1 })));
    const r = await kubectl(dir, ['create', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/web created/);
    assert.ok(
      creates.some((u) => u.includes('fieldValidation=Strict')),
      creates.join('\n'),
    );
  });

  it('lets the server reject unknown fields through kubectl', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(deployment({ replicass: 1 })));
    const r = await kubectl(dir, ['create', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /strict decoding error: unknown field "spec.replicass"/);
  });
});
