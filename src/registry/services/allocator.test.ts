/**
 * Service address allocation through a real API server (in-process client, SQLite):
 * dynamic and explicit ClusterIPs, the Status of refused requests, immutability, type
 * transitions, NodePorts, release on delete, concurrency, dry runs, configured ranges, and
 * a restart that rebuilds the allocation state from the stored Services.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiServer } from '../../apiserver/server.js';
import { startTestApiServer, type TestApiServer } from '../../apiserver/testing.js';
import type { ResourceClient } from '../../client/client.js';
import { Client } from '../../client/client.js';
import { ApiStatusError } from '../../client/errors.js';
import { InProcessTransport } from '../../client/inprocess.js';
import { SqliteStore } from '../../storage/sqlite/store.js';
import type { KObject } from '../types.js';

type Obj = Record<string, unknown>;

const svc = (name: string, spec: Obj = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});
const spec = (o: KObject) => o['spec'] as Obj;
const ipOf = (o: KObject) => spec(o)['clusterIP'] as string;
const nodePortsOf = (o: KObject) => (spec(o)['ports'] as Obj[]).map((p) => p['nodePort']);

/** Awaits `p`, which must fail with `code`; returns the Status. */
async function failure(p: Promise<unknown>, code: number): Promise<ApiStatusError['status']> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiStatusError, String(err));
    assert.equal(err.code, code, err.message);
    return err.status;
  }
  assert.fail(`expected a ${code} failure, got success`);
}

describe('Service address allocation', () => {
  let t: TestApiServer;
  let services: ResourceClient;
  before(async () => {
    t = await startTestApiServer();
    services = t.client().resource('', 'v1', 'services');
  });
  after(() => t.close());

  it('gives the kubernetes Service the first address of the range', async () => {
    const k = await services.get('default', 'kubernetes');
    assert.equal(ipOf(k), '10.43.0.1');
    assert.deepEqual(spec(k)['clusterIPs'], ['10.43.0.1']);
  });

  it('allocates a ClusterIP outside the static band when none is asked for', async () => {
    const a = await services.create('default', svc('dyn-a'));
    const b = await services.create('default', svc('dyn-b', { clusterIP: '' }));
    for (const s of [a, b]) {
      assert.match(ipOf(s), /^10\.43\.\d+\.\d+$/);
      assert.deepEqual(spec(s)['clusterIPs'], [ipOf(s)]);
      assert.doesNotMatch(ipOf(s), /^10\.43\.0\.\d+$/, 'the lower band stays free for explicit use');
    }
    assert.notEqual(ipOf(a), ipOf(b));
    assert.equal(ipOf(await services.get('default', 'dyn-a')), ipOf(a), 'stored as answered');
  });

  it('honours a free explicit ClusterIP and refuses a taken one with upstream’s Status', async () => {
    const dns = await services.create('default', svc('dns', { clusterIP: '10.43.0.10' }));
    assert.deepEqual(spec(dns)['clusterIPs'], ['10.43.0.10']);
    const status = await failure(services.create('default', svc('dup', { clusterIP: '10.43.0.10' })), 422);
    assert.equal(status.reason, 'Invalid');
    assert.equal(
      status.message,
      'Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.10"}: failed to allocate IP 10.43.0.10: provided IP is already allocated',
    );
    assert.deepEqual(status.details, {
      name: 'dup',
      group: '',
      kind: 'Service',
      causes: [
        {
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs',
          message:
            'Invalid value: []string{"10.43.0.10"}: failed to allocate IP 10.43.0.10: provided IP is already allocated',
        },
      ],
    });
    await failure(services.get('default', 'dup'), 404);
  });

  it('refuses addresses outside the range, the network and broadcast addresses, and garbage', async () => {
    const out = await failure(services.create('default', svc('out', { clusterIP: '1.2.3.4' })), 422);
    assert.equal(
      out.message,
      'Service "out" is invalid: spec.clusterIPs: Invalid value: []string{"1.2.3.4"}: failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. The range of valid IPs is 10.43.0.0/16',
    );
    for (const ip of ['10.43.0.0', '10.43.255.255']) {
      const s = await failure(services.create('default', svc('edge', { clusterIP: ip })), 422);
      assert.match(s.message ?? '', /is not in the valid range/);
    }
    const bad = await failure(services.create('default', svc('bad', { clusterIP: '10.43.0.300' })), 422);
    assert.equal(
      bad.message,
      'Service "bad" is invalid: spec.clusterIPs[0]: Invalid value: "10.43.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
  });

  it('keeps the ClusterIP immutable, and an update that omits it keeps it', async () => {
    const s = await services.create('default', svc('imm'));
    const ip = ipOf(s);
    const changed = await failure(
      services.patch('default', 'imm', { spec: { clusterIP: '10.43.0.77', clusterIPs: ['10.43.0.77'] } }),
      422,
    );
    assert.equal(
      changed.message,
      'Service "imm" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.43.0.77"}: may not change once set',
    );
    // A replace (PUT) of the manifest without the allocated fields.
    const replaced = await services.update({
      ...svc('imm', { ports: [{ port: 81 }] }),
      metadata: { name: 'imm', namespace: 'default', resourceVersion: s.metadata?.resourceVersion },
    });
    assert.equal(ipOf(replaced), ip);
    assert.deepEqual(spec(replaced)['clusterIPs'], [ip]);
    // A client that clears clusterIP gets it back, as from upstream.
    assert.equal(ipOf(await services.patch('default', 'imm', { spec: { clusterIP: '' } })), ip);
  });

  it('releases the ClusterIP on a change to ExternalName and allocates one on the way back', async () => {
    await services.create('default', svc('ext', { clusterIP: '10.43.0.20' }));
    const ext = await services.patch('default', 'ext', {
      spec: { type: 'ExternalName', externalName: 'example.com' },
    });
    assert.equal(spec(ext)['clusterIP'], undefined);
    assert.equal(spec(ext)['clusterIPs'], undefined);
    const taker = await services.create('default', svc('taker', { clusterIP: '10.43.0.20' }));
    assert.equal(ipOf(taker), '10.43.0.20', 'the released address is free again');
    const back = await services.patch('default', 'ext', { spec: { type: 'ClusterIP', externalName: null } });
    assert.match(ipOf(back), /^10\.43\./);
    assert.notEqual(ipOf(back), '10.43.0.20');
  });

  it('allocates NodePorts, honours explicit ones and refuses taken or foreign ones', async () => {
    const np = await services.create(
      'default',
      svc('np', {
        type: 'NodePort',
        ports: [
          { name: 'web', port: 80, nodePort: 30080 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'dns-udp', port: 53, protocol: 'UDP' },
        ],
      }),
    );
    const [web, tcp, udp] = nodePortsOf(np) as number[];
    assert.equal(web, 30080);
    assert.equal(tcp, udp, 'one port number over two protocols shares its nodePort');
    assert.ok((tcp ?? 0) >= 30086 && (tcp ?? 0) <= 32767, `${tcp} lies above the static band`);
    const taken = await failure(
      services.create('default', svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })),
      422,
    );
    assert.equal(
      taken.message,
      'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    assert.equal((taken.details?.['causes'] as Obj[] | undefined)?.[0]?.['field'], 'spec.ports[0].nodePort');
    const foreign = await failure(
      services.create('default', svc('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })),
      422,
    );
    assert.equal(
      foreign.message,
      'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
  });

  it('lets two ports share a nodePort only with different protocols', async () => {
    const ok = await services.create(
      'default',
      svc('share', {
        type: 'NodePort',
        ports: [
          { name: 'a', port: 80, protocol: 'TCP', nodePort: 30090 },
          { name: 'b', port: 81, protocol: 'UDP', nodePort: 30090 },
        ],
      }),
    );
    assert.deepEqual(nodePortsOf(ok), [30090, 30090]);
    const same = await failure(
      services.create(
        'default',
        svc('same', {
          type: 'NodePort',
          ports: [
            { name: 'a', port: 80, protocol: 'TCP', nodePort: 30091 },
            { name: 'b', port: 81, protocol: 'TCP', nodePort: 30091 },
          ],
        }),
      ),
      422,
    );
    assert.equal(same.message, 'Service "same" is invalid: spec.ports[1].nodePort: Duplicate value: 30091');
    // The refused create reserved nothing.
    const after = await services.create(
      'default',
      svc('after', { type: 'NodePort', ports: [{ port: 1, nodePort: 30091 }] }),
    );
    assert.deepEqual(nodePortsOf(after), [30091]);
  });

  it('allocates NodePorts on ClusterIP -> NodePort and releases them on the way back', async () => {
    await services.create('default', svc('flip'));
    const up = await services.patch('default', 'flip', { spec: { type: 'NodePort' } });
    const [port] = nodePortsOf(up) as number[];
    assert.ok(port !== undefined && port >= 30000 && port <= 32767);
    const down = await services.patch('default', 'flip', { spec: { type: 'ClusterIP' } });
    assert.deepEqual(nodePortsOf(down), [undefined]);
    assert.equal(spec(down)['externalTrafficPolicy'], undefined);
    const reuse = await services.create(
      'default',
      svc('reuse', { type: 'NodePort', ports: [{ port: 1, nodePort: port }] }),
    );
    assert.deepEqual(nodePortsOf(reuse), [port]);
  });

  it('gives LoadBalancers nodePorts unless told not to, and a health-check port for Local', async () => {
    const lb = await services.create(
      'default',
      svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
    );
    assert.equal(spec(lb)['allocateLoadBalancerNodePorts'], true);
    assert.equal(typeof nodePortsOf(lb)[0], 'number');
    const hc = spec(lb)['healthCheckNodePort'] as number;
    assert.ok(hc >= 30000 && hc <= 32767 && hc !== nodePortsOf(lb)[0]);
    const none = await services.create(
      'default',
      svc('lb-none', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }),
    );
    assert.deepEqual(nodePortsOf(none), [undefined]);
    assert.equal(spec(none)['healthCheckNodePort'], undefined);
    const cluster = await services.patch('default', 'lb', { spec: { externalTrafficPolicy: 'Cluster' } });
    assert.equal(spec(cluster)['healthCheckNodePort'], undefined);
    const reuse = await services.create(
      'default',
      svc('hc-reuse', { type: 'NodePort', ports: [{ port: 1, nodePort: hc }] }),
    );
    assert.deepEqual(nodePortsOf(reuse), [hc], 'the health-check port was released');
  });

  it('frees a deleted Service’s address and ports for the very next create', async () => {
    for (let i = 0; i < 5; i++) {
      await services.create(
        'default',
        svc('gone', { type: 'NodePort', clusterIP: '10.43.0.50', ports: [{ port: 1, nodePort: 30050 }] }),
      );
      await services.delete('default', 'gone');
    }
    const next = await services.create(
      'default',
      svc('next', { type: 'NodePort', clusterIP: '10.43.0.50', ports: [{ port: 1, nodePort: 30050 }] }),
    );
    assert.equal(ipOf(next), '10.43.0.50');
  });

  it('never hands one address to two concurrent creates', async () => {
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) => services.create('default', svc(`many-${i}`))),
    );
    assert.equal(new Set(created.map(ipOf)).size, 40);
    const racing = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        services.create('default', svc(`race-${i}`, { clusterIP: '10.43.0.60' })),
      ),
    );
    assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of racing) {
      if (r.status === 'rejected') assert.equal((r.reason as ApiStatusError).code, 422);
    }
  });

  it('allocates nothing for good on a dry run', async () => {
    const free = t.server.registry.services.ips.free;
    const dry = await services.create('default', svc('dry', { clusterIP: '10.43.0.70' }), { dryRun: true });
    assert.equal(ipOf(dry), '10.43.0.70');
    const dryDynamic = await services.create('default', svc('dry2', { type: 'NodePort' }), { dryRun: true });
    assert.match(ipOf(dryDynamic), /^10\.43\./);
    assert.equal(typeof nodePortsOf(dryDynamic)[0], 'number');
    assert.equal(t.server.registry.services.ips.free, free);
    await failure(services.get('default', 'dry'), 404);
    const real = await services.create('default', svc('dry', { clusterIP: '10.43.0.70' }));
    assert.equal(ipOf(real), '10.43.0.70');
  });
});

describe('Service address ranges and restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-svc-alloc-'));
  const store = SqliteStore.open(join(dir, 'state.db'));
  const start = () =>
    ApiServer.start({
      dataDir: dir,
      store,
      bindAddress: '127.0.0.1',
      port: 0,
      tlsSans: [],
      serviceCIDR: '10.96.0.0/29',
      serviceNodePortRange: '31000-31004',
      log: () => {},
    });
  const client = (api: ApiServer) =>
    new Client(new InProcessTransport(api.handler, { name: 'test', groups: ['system:masters'] })).resource(
      '',
      'v1',
      'services',
    );
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses the configured ranges, reports them full, and rebuilds their state after a restart', async () => {
    let api = await start();
    let services = client(api);
    const ips: string[] = [];
    try {
      assert.equal(ipOf(await services.get('default', 'kubernetes')), '10.96.0.1');
      // A /29 holds 6 addresses; the kubernetes Service has one.
      for (let i = 0; i < 5; i++) ips.push(ipOf(await services.create('default', svc(`s${i}`))));
      assert.deepEqual([...ips].sort(), ['10.96.0.2', '10.96.0.3', '10.96.0.4', '10.96.0.5', '10.96.0.6']);
      const full = await failure(services.create('default', svc('full')), 500);
      assert.equal(full.reason, 'InternalError');
      assert.equal(full.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
      await services.patch('default', 's0', {
        spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31002 }] },
      });
      const out = await failure(
        services.patch('default', 's1', {
          spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }] },
        }),
        422,
      );
      assert.match(out.message ?? '', /The range of valid ports is 31000-31004$/);
      await services.delete('default', 's4');
    } finally {
      await api.close();
    }
    api = await start();
    services = client(api);
    try {
      const state = api.registry.services;
      assert.equal(state.ips.free, 1, 'five addresses held after the restart');
      assert.equal(state.ports.free, 4, 'one nodePort held after the restart');
      const taken = await failure(services.create('default', svc('again', { clusterIP: ips[0] })), 422);
      assert.match(taken.message ?? '', /provided IP is already allocated/);
      const port = await failure(
        services.create('default', svc('port', { type: 'NodePort', ports: [{ port: 1, nodePort: 31002 }] })),
        422,
      );
      assert.match(port.message ?? '', /provided port is already allocated/);
      const last = await services.create('default', svc('last'));
      assert.equal(ipOf(last), ips[4], 'the address of the deleted Service is the one left');
    } finally {
      await api.close();
    }
  });

  it('refuses a malformed range before starting', async () => {
    await assert.rejects(
      ApiServer.start({
        dataDir: dir,
        store,
        bindAddress: '127.0.0.1',
        port: 0,
        tlsSans: [],
        serviceCIDR: '10.96.0.0',
        log: () => {},
      }),
      /--service-cidr: invalid service CIDR "10.96.0.0"/,
    );
  });
});
