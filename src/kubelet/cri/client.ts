/**
 * A typed CRI v1 client (RuntimeService and ImageService) over containerd's unix socket,
 * on one gRPC channel. Every call takes an AbortSignal and a deadline (./call.ts). It
 * translates nothing: requests and responses are the CRI messages of ./types.ts. It does
 * not start or watch the runtime (see ../containerd/).
 */
import * as grpc from '@grpc/grpc-js';
import { type CallOptions, unary } from './call.js';
import { criServices } from './schema.js';
import type {
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStats,
  ContainerStatusResponse,
  Image,
  ImageFsInfoResponse,
  ImageSpec,
  Int64In,
  LinuxContainerResources,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResponse,
  VersionResponse,
} from './types.js';

export interface CriClientOptions {
  /** `unix:///path/to.sock` or a plain socket path. */
  address: string;
  /** Deadline of a call that names none (default 30 s). */
  defaultTimeoutMs?: number;
  /** Deadline of PullImage when the call names none (default 5 min). */
  pullTimeoutMs?: number;
}

const MAX_MESSAGE = 16 * 1024 * 1024;

export class CriClient {
  readonly #runtime: grpc.Client;
  readonly #image: grpc.Client;
  readonly #timeout: number;
  readonly #pullTimeout: number;

  constructor(opts: CriClientOptions) {
    const target = opts.address.startsWith('unix:') ? opts.address : `unix://${opts.address}`;
    const { RuntimeService, ImageService } = criServices();
    this.#runtime = new RuntimeService(target, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE,
      'grpc.max_send_message_length': MAX_MESSAGE,
    });
    this.#image = new ImageService(target, grpc.credentials.createInsecure(), {
      channelOverride: this.#runtime.getChannel(),
    });
    this.#timeout = opts.defaultTimeoutMs ?? 30_000;
    this.#pullTimeout = opts.pullTimeoutMs ?? 300_000;
  }

  close(): void {
    this.#image.close();
    this.#runtime.close();
  }

  #rt<Res>(method: string, req: object, o: CallOptions): Promise<Res> {
    return unary<Res>(this.#runtime, method, req, o.timeoutMs ?? this.#timeout, o.signal);
  }

  #img<Res>(method: string, req: object, o: CallOptions, timeout = this.#timeout): Promise<Res> {
    return unary<Res>(this.#image, method, req, o.timeoutMs ?? timeout, o.signal);
  }

  // ---- RuntimeService ----

  version(o: CallOptions): Promise<VersionResponse> {
    return this.#rt('Version', { version: 'v1' }, o);
  }

  /** Returns the new sandbox's id. */
  async runPodSandbox(config: PodSandboxConfig, o: CallOptions, runtimeHandler = ''): Promise<string> {
    const res = await this.#rt<{ pod_sandbox_id: string }>(
      'RunPodSandbox',
      { config, runtime_handler: runtimeHandler },
      o,
    );
    return res.pod_sandbox_id;
  }

  async stopPodSandbox(podSandboxId: string, o: CallOptions): Promise<void> {
    await this.#rt('StopPodSandbox', { pod_sandbox_id: podSandboxId }, o);
  }

  async removePodSandbox(podSandboxId: string, o: CallOptions): Promise<void> {
    await this.#rt('RemovePodSandbox', { pod_sandbox_id: podSandboxId }, o);
  }

  podSandboxStatus(podSandboxId: string, o: CallOptions, verbose = false): Promise<PodSandboxStatusResponse> {
    return this.#rt('PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose }, o);
  }

  async listPodSandbox(filter: PodSandboxFilter | undefined, o: CallOptions): Promise<PodSandbox[]> {
    const res = await this.#rt<{ items: PodSandbox[] }>('ListPodSandbox', filter ? { filter } : {}, o);
    return res.items;
  }

  /** Returns the new container's id. */
  async createContainer(
    podSandboxId: string,
    config: ContainerConfig,
    sandboxConfig: PodSandboxConfig,
    o: CallOptions,
  ): Promise<string> {
    const res = await this.#rt<{ container_id: string }>(
      'CreateContainer',
      { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig },
      o,
    );
    return res.container_id;
  }

  async startContainer(containerId: string, o: CallOptions): Promise<void> {
    await this.#rt('StartContainer', { container_id: containerId }, o);
  }

  /** Asks the container to stop, killing it after `graceSeconds`. */
  async stopContainer(containerId: string, graceSeconds: Int64In, o: CallOptions): Promise<void> {
    await this.#rt('StopContainer', { container_id: containerId, timeout: graceSeconds }, o);
  }

  async removeContainer(containerId: string, o: CallOptions): Promise<void> {
    await this.#rt('RemoveContainer', { container_id: containerId }, o);
  }

  async listContainers(filter: ContainerFilter | undefined, o: CallOptions): Promise<Container[]> {
    const res = await this.#rt<{ containers: Container[] }>('ListContainers', filter ? { filter } : {}, o);
    return res.containers;
  }

  containerStatus(containerId: string, o: CallOptions, verbose = false): Promise<ContainerStatusResponse> {
    return this.#rt('ContainerStatus', { container_id: containerId, verbose }, o);
  }

  /** Runs `cmd` in the container and waits up to `timeoutSeconds` (0: no runtime-side limit). */
  execSync(
    containerId: string,
    cmd: string[],
    timeoutSeconds: Int64In,
    o: CallOptions,
  ): Promise<{ stdout: Buffer; stderr: Buffer; exit_code: number }> {
    return this.#rt('ExecSync', { container_id: containerId, cmd, timeout: timeoutSeconds }, o);
  }

  /** Returns the streaming server's URL for the exec session. */
  async exec(
    req: {
      container_id: string;
      cmd: string[];
      tty?: boolean;
      stdin?: boolean;
      stdout?: boolean;
      stderr?: boolean;
    },
    o: CallOptions,
  ): Promise<string> {
    return (await this.#rt<{ url: string }>('Exec', req, o)).url;
  }

  /** Returns the streaming server's URL for the attach session. */
  async attach(
    req: { container_id: string; stdin?: boolean; tty?: boolean; stdout?: boolean; stderr?: boolean },
    o: CallOptions,
  ): Promise<string> {
    return (await this.#rt<{ url: string }>('Attach', req, o)).url;
  }

  /** Returns the streaming server's URL for forwarding `ports` of the sandbox. */
  async portForward(podSandboxId: string, ports: number[], o: CallOptions): Promise<string> {
    return (await this.#rt<{ url: string }>('PortForward', { pod_sandbox_id: podSandboxId, port: ports }, o))
      .url;
  }

  async containerStats(containerId: string, o: CallOptions): Promise<ContainerStats | null> {
    const res = await this.#rt<{ stats: ContainerStats | null }>(
      'ContainerStats',
      { container_id: containerId },
      o,
    );
    return res.stats;
  }

  async updateContainerResources(
    containerId: string,
    linux: LinuxContainerResources,
    o: CallOptions,
  ): Promise<void> {
    await this.#rt('UpdateContainerResources', { container_id: containerId, linux }, o);
  }

  async reopenContainerLog(containerId: string, o: CallOptions): Promise<void> {
    await this.#rt('ReopenContainerLog', { container_id: containerId }, o);
  }

  // ---- ImageService ----

  async listImages(filter: ImageSpec | undefined, o: CallOptions): Promise<Image[]> {
    const res = await this.#img<{ images: Image[] }>(
      'ListImages',
      filter ? { filter: { image: filter } } : {},
      o,
    );
    return res.images;
  }

  /** The image, or null when the runtime does not have it. */
  async imageStatus(image: ImageSpec, o: CallOptions): Promise<Image | null> {
    const res = await this.#img<{ image: Image | null }>('ImageStatus', { image }, o);
    return res.image;
  }

  /** Pulls the image and returns its reference (digest-pinned id). */
  async pullImage(
    image: ImageSpec,
    o: CallOptions,
    auth?: AuthConfig,
    sandboxConfig?: PodSandboxConfig,
  ): Promise<string> {
    const req: Record<string, unknown> = { image };
    if (auth) req['auth'] = auth;
    if (sandboxConfig) req['sandbox_config'] = sandboxConfig;
    const res = await this.#img<{ image_ref: string }>('PullImage', req, o, this.#pullTimeout);
    return res.image_ref;
  }

  async removeImage(image: ImageSpec, o: CallOptions): Promise<void> {
    await this.#img('RemoveImage', { image }, o);
  }

  imageFsInfo(o: CallOptions): Promise<ImageFsInfoResponse> {
    return this.#img('ImageFsInfo', {}, o);
  }
}
