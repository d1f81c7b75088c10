/**
 * Everything the pod worker's steps share: the runtime, the parts (images, volumes, env,
 * probes), where files go, the node's identity and DNS settings, and the event sink.
 */
import type { CriClient } from '../cri/client.js';
import type { EnvService, EventSink, ImageService, ProbeService, VolumeService } from './deps.js';
import type { DnsSettings } from './sandbox-config.js';

export interface PodContext {
  cri: CriClient;
  images: ImageService;
  volumes: VolumeService;
  env: EnvService;
  probes: ProbeService;
  events: EventSink;
  log: (m: string) => void;
  podsDir: string;
  logsDir: string;
  nodeName: string;
  hostIP: string;
  hostname: string;
  dns: DnsSettings;
  memoryCapacity: number;
  /** Multiplies crash-loop back-off (tests use less than 1). */
  backoffScale: number;
}

export function callOpts(
  signal: AbortSignal,
  timeoutMs = 60_000,
): { signal: AbortSignal; timeoutMs: number } {
  return { signal, timeoutMs };
}
