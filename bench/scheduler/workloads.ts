/**
 * What the benchmark creates: 5,000-node clusters of plain Node objects (32 CPUs, 256 GiB,
 * 110 pods each, spread over 10 zones), and per scenario one pod shape, after upstream's
 * scheduler_perf cases: basic pods (100m CPU, 500 MiB), pods spread over zones
 * (DoNotSchedule, maxSkew 1), pods with required node affinity to half the zones, and pods
 * with required anti-affinity to each other on the hostname. Bodies are JSON text built
 * once per scenario, with the pod name spliced in.
 */
import type { ScenarioName } from './options.js';

export const ZONES = 10;
const ZONE = 'topology.kubernetes.io/zone';

export function nodeBody(i: number): string {
  const name = `node-${String(i).padStart(5, '0')}`;
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, [ZONE]: `zone-${i % ZONES}` } },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is ready' }],
    },
  });
}

function spec(scenario: ScenarioName, schedulerName: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    schedulerName,
    containers: [
      {
        name: 'pause',
        image: 'registry.k8s.io/pause:3.10',
        resources: { requests: { cpu: '100m', memory: '500Mi' } },
      },
    ],
  };
  const selector = { matchLabels: { app: scenario } };
  switch (scenario) {
    case 'spread':
      base['topologySpreadConstraints'] = [
        { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector },
      ];
      break;
    case 'node-affinity':
      base['affinity'] = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {
                    key: ZONE,
                    operator: 'In',
                    values: Array.from({ length: ZONES / 2 }, (_, i) => `zone-${i}`),
                  },
                ],
              },
            ],
          },
        },
      };
      break;
    case 'anti-affinity':
      base['affinity'] = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      };
      break;
    default:
  }
  return base;
}

/** A function from pod index to the JSON body of that pod. */
export function podBodies(
  scenario: ScenarioName,
  schedulerName = 'default-scheduler',
): (i: number) => string {
  const marker = '__NAME__';
  const text = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: marker, labels: { app: scenario } },
    spec: spec(scenario, schedulerName),
  });
  const [before, after] = text.split(marker) as [string, string];
  return (i) => `${before}${scenario}-${i}${after}`;
}

export function podName(scenario: ScenarioName, i: number): string {
  return `${scenario}-${i}`;
}
