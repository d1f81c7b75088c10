/**
 * etcd's calls over one gRPC channel per member: the unary KV and Lease calls, and Watch
 * streams. Each call goes to the member currently preferred, and a call or stream failing
 * with a transient-looking status moves the preference on to the next member, so that the
 * caller's next attempt lands elsewhere.
 *
 * It must not retry (the connection's retry loop does, and must see every attempt; watch
 * streams reconnect in watch-stream.ts) or map etcd's answers; it only encodes, sends and
 * decodes.
 */
import { type CallOptions, GrpcChannel } from './channel.js';
import {
  type CompactionRequest,
  type CompactionResponse,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  decodeCompactionResponse,
  decodeDeleteRangeResponse,
  decodeLeaseGrantResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionRequest,
  encodeDeleteRangeRequest,
  encodeLeaseGrantRequest,
  encodeRangeRequest,
  encodeTxnRequest,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type RangeRequest,
  type RangeResponse,
  type TxnRequest,
  type TxnResponse,
} from './messages.js';
import { Code, GrpcError } from './status.js';
import {
  decodeWatchResponse,
  encodeWatchCreate,
  type WatchCreateRequest,
  type WatchResponse,
} from './watch-messages.js';

export interface WatchHandlers {
  response(res: WatchResponse): void;
  /** The stream is over (never called after `close()`); see StreamHandlers.ended. */
  ended(err: GrpcError): void;
}

export interface WatchCall {
  /** Creates a watcher on this stream. */
  create(req: WatchCreateRequest): void;
  close(): void;
}

/**
 * Asks etcd to end the stream when its member loses the leader (clientv3's
 * WithRequireLeader), so that a partitioned member cannot hold a watch silent forever.
 */
const REQUIRE_LEADER = { hasleader: 'true' };

/** Statuses after which the member may be the problem (down, partitioned, leaderless, overloaded). */
const MOVE_ON = new Set<number>([
  Code.UNAVAILABLE,
  Code.DEADLINE_EXCEEDED,
  Code.RESOURCE_EXHAUSTED,
  Code.INTERNAL,
]);

export class EtcdClient {
  private readonly channels: GrpcChannel[];
  private preferred = 0;

  constructor(endpoints: string[]) {
    this.channels = endpoints.map((e) => new GrpcChannel(e));
  }

  range(req: RangeRequest, o: CallOptions): Promise<RangeResponse> {
    return this.call('/etcdserverpb.KV/Range', encodeRangeRequest(req), o).then(decodeRangeResponse);
  }

  txn(req: TxnRequest, o: CallOptions): Promise<TxnResponse> {
    return this.call('/etcdserverpb.KV/Txn', encodeTxnRequest(req), o).then(decodeTxnResponse);
  }

  deleteRange(req: DeleteRangeRequest, o: CallOptions): Promise<DeleteRangeResponse> {
    return this.call('/etcdserverpb.KV/DeleteRange', encodeDeleteRangeRequest(req), o).then(
      decodeDeleteRangeResponse,
    );
  }

  compact(req: CompactionRequest, o: CallOptions): Promise<CompactionResponse> {
    return this.call('/etcdserverpb.KV/Compact', encodeCompactionRequest(req), o).then(
      decodeCompactionResponse,
    );
  }

  /** Grants a lease; etcd's refusal in the answer's error field rejects like a status would. */
  async leaseGrant(req: LeaseGrantRequest, o: CallOptions): Promise<LeaseGrantResponse> {
    const res = decodeLeaseGrantResponse(
      await this.call('/etcdserverpb.Lease/LeaseGrant', encodeLeaseGrantRequest(req), o),
    );
    if (res.error) throw new GrpcError(Code.UNKNOWN, res.error);
    return res;
  }

  /**
   * Opens a Watch stream on the preferred member. Throws GrpcError (UNAVAILABLE) or
   * ChannelClosedError when no stream can be opened.
   */
  watch(h: WatchHandlers): WatchCall {
    const i = this.preferred;
    const channel = this.channels[i] as GrpcChannel;
    let call: ReturnType<GrpcChannel['stream']> | undefined;
    const ended = (err: GrpcError) => {
      this.moveOn(i, err);
      h.ended(err);
    };
    try {
      call = channel.stream('/etcdserverpb.Watch/Watch', REQUIRE_LEADER, {
        message: (m) => {
          let res: WatchResponse;
          try {
            res = decodeWatchResponse(m);
          } catch (err) {
            call?.close();
            ended(new GrpcError(Code.INTERNAL, `undecodable watch response: ${String(err)}`));
            return;
          }
          h.response(res);
        },
        ended,
      });
    } catch (err) {
      this.moveOn(i, err);
      throw err;
    }
    const opened = call;
    return { create: (req) => opened.write(encodeWatchCreate(req)), close: () => opened.close() };
  }

  private async call(path: string, frame: Buffer, o: CallOptions): Promise<Buffer> {
    const i = this.preferred;
    const channel = this.channels[i] as GrpcChannel;
    try {
      return await channel.unary(path, frame, o);
    } catch (err) {
      this.moveOn(i, err);
      throw err;
    }
  }

  /** Only the first of many calls failing together on member `i` moves the preference. */
  private moveOn(i: number, err: unknown): void {
    if (err instanceof GrpcError && MOVE_ON.has(err.code) && this.preferred === i) {
      this.preferred = (i + 1) % this.channels.length;
    }
  }

  close(): void {
    for (const c of this.channels) c.close();
  }
}
