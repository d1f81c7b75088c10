/**
 * The benchmark's watch stream: its own HTTP/2 session with 32 MiB flow-control windows,
 * so that the server is never held back by this reader (the shared client session keeps
 * HTTP/2's 64 KiB default, and a watcher that falls behind is cut off by the server).
 * Yields the lines of the response until the server ends it or `signal` aborts.
 */
import { connect, constants } from 'node:http2';
import { lines } from '../../src/client/transport.js';

export interface Credentials {
  server: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

const WINDOW = 32 * 1024 * 1024;

export async function* watchLines(
  creds: Credentials,
  path: string,
  signal: AbortSignal,
): AsyncGenerator<string> {
  const session = connect(creds.server, {
    ca: creds.ca,
    cert: creds.cert,
    key: creds.key,
    settings: { initialWindowSize: WINDOW },
  });
  session.on('error', () => {});
  session.on('connect', () => session.setLocalWindowSize(WINDOW));
  const onAbort = () => session.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const req = session.request({ [constants.HTTP2_HEADER_PATH]: path, accept: 'application/json' });
    req.on('error', () => {});
    yield* lines(req as AsyncIterable<Buffer>);
  } catch {
    // The session went away (abort or server stop): the caller decides what next.
  } finally {
    signal.removeEventListener('abort', onAbort);
    session.destroy();
  }
}
