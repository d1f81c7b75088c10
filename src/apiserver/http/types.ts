/** The request and response types the handlers accept: HTTP/2 and HTTP/1.1 alike. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

export type Req = IncomingMessage | Http2ServerRequest;
export type Res = ServerResponse | Http2ServerResponse;

/** Writes a chunk of a streamed response; false when the client is not keeping up. */
export function writeChunk(res: Res, chunk: string | Uint8Array): boolean {
  return (res as NodeJS.WritableStream).write(chunk);
}
