import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayOf, renderConflist } from '../network/cni-config.js';
import { shellWords } from '../network/host.js';
import { checkNonRoot, containerConfig } from './container-config.js';
import { ContainerWaitingError } from './deps.js';
import { hostsContent } from './files.js';
import { goDuration, PodState } from './pod-state.js';
import type { Instance } from './runtime-view.js';
import { dnsConfig, parseResolvConf, sandboxConfig } from './sandbox-config.js';
import { type ContainerView, computePhase } from './status.js';

const pod = (spec: Record<string, unknown>) => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec,
});

function inst(state: Instance['state'], exitCode = 0, attempt = 0): Instance {
  return {
    id: `id${attempt}`,
    attempt,
    state,
    createdAt: 1,
    startedAt: 1,
    finishedAt: 2,
    exitCode,
    reason: '',
    message: '',
    imageRef: '',
    image: '',
    logPath: '',
  };
}

function view(name: string, current: Instance | undefined, init = false): ContainerView {
  return {
    spec: { name },
    init,
    ...(current ? { current } : {}),
    ready: false,
    started: false,
    messages: new Map(),
  };
}

test('phase follows upstream rules for restart policies and init containers', () => {
  const never = pod({ restartPolicy: 'Never' });
  assert.equal(computePhase(never, [view('a', inst('CONTAINER_EXITED', 0))]), 'Succeeded');
  assert.equal(computePhase(never, [view('a', inst('CONTAINER_EXITED', 1))]), 'Failed');
  assert.equal(
    computePhase(never, [view('a', inst('CONTAINER_RUNNING')), view('b', inst('CONTAINER_EXITED', 1))]),
    'Running',
  );
  assert.equal(computePhase(pod({}), [view('a', inst('CONTAINER_EXITED', 0))]), 'Running');
  assert.equal(
    computePhase(pod({ restartPolicy: 'OnFailure' }), [view('a', inst('CONTAINER_EXITED', 0))]),
    'Succeeded',
  );
  assert.equal(
    computePhase(pod({ restartPolicy: 'OnFailure' }), [view('a', inst('CONTAINER_EXITED', 2))]),
    'Running',
  );
  assert.equal(computePhase(pod({}), [view('a', undefined)]), 'Pending');
  assert.equal(
    computePhase(never, [view('i', inst('CONTAINER_EXITED', 1), true), view('a', undefined)]),
    'Failed',
  );
  assert.equal(
    computePhase(pod({}), [view('i', inst('CONTAINER_RUNNING'), true), view('a', undefined)]),
    'Pending',
  );
});

test('crash-loop back-off: immediate first restart, then 10 s doubling to 5 min', () => {
  const s = new PodState(0);
  assert.equal(s.restartBlocked('c', 0), undefined);
  assert.equal(s.restartBlocked('c', 5_000)?.delayMs, 10_000);
  assert.equal(s.restartBlocked('c', 10_001), undefined);
  assert.equal(s.restartBlocked('c', 15_000)?.delayMs, 20_000);
  let t = 31_000;
  for (let i = 0; i < 10; i++) {
    assert.equal(s.restartBlocked('c', t), undefined);
    t += s.backoff.get('c')!.delayMs + 1;
  }
  assert.equal(s.backoff.get('c')!.delayMs, 300_000);
  assert.equal(s.restartBlocked('c', t + 700_000), undefined, 'forgotten after 10 minutes');
  assert.equal(s.backoff.get('c')!.delayMs, 10_000);
  assert.equal(goDuration(20_000), '20s');
  assert.equal(goDuration(300_000), '5m0s');
});

test('DNS by policy: ClusterFirst with and without cluster DNS, Default, None with dnsConfig', () => {
  const host = parseResolvConf('nameserver 192.0.2.53\nsearch example.test\noptions edns0\n');
  assert.deepEqual(host, { servers: ['192.0.2.53'], searches: ['example.test'], options: ['edns0'] });
  const dns = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', host };
  const cf = dnsConfig(pod({}), dns);
  assert.deepEqual(cf.config.servers, ['10.43.0.10']);
  assert.deepEqual(cf.config.searches?.slice(0, 3), [
    'ns.svc.cluster.local',
    'svc.cluster.local',
    'cluster.local',
  ]);
  assert.deepEqual(cf.config.options, ['ndots:5']);
  const fallback = dnsConfig(pod({}), { ...dns, clusterDNS: [] });
  assert.equal(fallback.fellBack, true);
  assert.deepEqual(fallback.config.servers, ['192.0.2.53']);
  const none = dnsConfig(
    pod({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['1.2.3.4'], options: [{ name: 'ndots', value: '2' }] },
    }),
    dns,
  );
  assert.deepEqual(none.config, { servers: ['1.2.3.4'], searches: [], options: ['ndots:2'] });
  assert.equal(dnsConfig(pod({ hostNetwork: true }), dns).config.servers?.[0], '192.0.2.53');
});

test('sandbox and container configuration', () => {
  const p = pod({
    hostname: 'h',
    containers: [
      {
        name: 'c',
        image: 'busybox',
        ports: [{ containerPort: 80, hostPort: 8080 }],
        securityContext: { capabilities: { add: ['NET_ADMIN'] }, readOnlyRootFilesystem: true },
      },
    ],
    securityContext: { runAsUser: 1000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
  });
  const sb = sandboxConfig(p, 2, '/logs', {}, 'node');
  assert.equal(sb.metadata.attempt, 2);
  assert.equal(sb.hostname, 'h');
  assert.equal(sb.log_directory, '/logs/ns_p_u1');
  assert.deepEqual(sb.port_mappings, [{ protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' }]);
  assert.deepEqual(sb.linux?.sysctls, { 'net.core.somaxconn': '1024' });
  assert.equal(sb.linux?.security_context?.namespace_options?.pid, 'CONTAINER');
  const c = (p.spec['containers'] as Record<string, unknown>[])[0]!;
  const cfg = containerConfig(
    p,
    { ...c, resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } },
    {
      imageRef: 'sha256:x',
      image: 'busybox',
      env: [],
      mounts: [],
      attempt: 3,
      memoryCapacity: 1 << 30,
    },
  );
  assert.equal(cfg.log_path, 'c/3.log');
  assert.deepEqual(cfg.linux?.resources, {
    cpu_shares: 256,
    cpu_period: 100_000,
    cpu_quota: 50_000,
    memory_limit_in_bytes: 64 * 1024 * 1024,
    oom_score_adj: 999,
  });
  assert.equal(cfg.linux?.security_context?.run_as_user?.value, 1000);
  assert.equal(cfg.linux?.security_context?.readonly_rootfs, true);
  assert.deepEqual(cfg.linux?.security_context?.capabilities?.add_capabilities, ['NET_ADMIN']);
});

test('runAsNonRoot refuses root users', () => {
  const p = pod({ securityContext: { runAsNonRoot: true } });
  assert.throws(
    () => checkNonRoot(p, { name: 'c' }, 0, ''),
    (e: unknown) => e instanceof ContainerWaitingError && /image will run as root/.test(e.message),
  );
  assert.doesNotThrow(() => checkNonRoot(p, { name: 'c' }, 1000, ''));
  assert.throws(
    () => checkNonRoot(p, { name: 'c', securityContext: { runAsUser: 0 } }, 1000, ''),
    /breaks non-root policy/,
  );
});

test('managed hosts file, CNI conflist, iptables words', () => {
  const h = hostsContent(
    pod({ hostname: 'web-0', subdomain: 'web', hostAliases: [{ ip: '10.1.1.1', hostnames: ['a', 'b'] }] }),
    '10.42.0.7',
    'cluster.local',
  );
  assert.match(h, /^10\.42\.0\.7\tweb-0\.web\.ns\.svc\.cluster\.local\tweb-0$/m);
  assert.match(h, /^10\.1\.1\.1\ta\tb$/m);
  const conf = JSON.parse(
    renderConflist({
      name: 'n',
      bridge: 'k8tsab',
      podCIDR: '10.42.3.0/24',
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      ipamDataDir: '/d',
    }),
  );
  const ipam = conf.plugins[0].ipam;
  assert.deepEqual(
    ipam.routes,
    [{ dst: '10.42.0.0/16' }, { dst: '10.43.0.0/16' }],
    'no default route for pods',
  );
  assert.equal(ipam.ranges[0][0].gateway, gatewayOf('10.42.3.0/24'));
  assert.equal(gatewayOf('10.42.3.0/24'), '10.42.3.1');
  assert.deepEqual(shellWords('-D X -m comment --comment "dnat name: \\"n\\" id" -j Y'), [
    '-D',
    'X',
    '-m',
    'comment',
    '--comment',
    'dnat name: "n" id',
    '-j',
    'Y',
  ]);
});
