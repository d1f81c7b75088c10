/**
 * pods/log: asks the pod's kubelet for /containerLogs and streams its answer to the
 * client as plain text, chunk by chunk (so `follow` streams), until either side goes. A
 * refusal from the kubelet becomes a Status as kube-apiserver words it (its text as a
 * BadRequest or an InternalError, otherwise a generic answer naming pods/log).
 */
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { ApiError, Errors } from '../errors.js';
import type { Res } from '../http/types.js';
import { DIAL_TIMEOUT_MS, dialErrorText, type KubeletClientCert, tlsOptions } from './dial.js';
import { hostPort, type KubeletLocation } from './location.js';

const MAX_ERROR_BODY = 50_000;

const GENERIC: Record<number, [string, string]> = {
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  504: [
    'Timeout',
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  ],
};

/** The error for a kubelet answer that is not a success, as upstream's response checker makes it. */
export function kubeletLogError(code: number, body: string, podName: string): ApiError {
  if (code === 500) return Errors.internal(body);
  if (code === 400) return Errors.badRequest(body);
  let [reason, message] = GENERIC[code] ?? [
    '',
    `the server responded with the status code ${code} but did not return more information`,
  ];
  if (code === 403) [reason, message] = ['Forbidden', body];
  else if (!GENERIC[code] && code >= 500) {
    reason = 'InternalError';
    message = `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`;
  }
  return new ApiError(code, reason, `${message} ( pods/log ${podName})`, {
    group: '',
    kind: 'pods/log',
    name: podName,
  });
}

function readLimited(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      if (body.length < MAX_ERROR_BODY) body += d;
    });
    res.on('end', () => resolve(body.slice(0, MAX_ERROR_BODY)));
    res.on('error', () => resolve(body));
  });
}

/** Streams the kubelet's log answer for `pathAndQuery` into `res`. */
export async function proxyLogs(
  res: Res,
  loc: KubeletLocation,
  pathAndQuery: string,
  podName: string,
  cert: KubeletClientCert,
): Promise<void> {
  const url = `https://${hostPort(loc)}${pathAndQuery}`;
  const backend = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      { ...tlsOptions(loc, cert), path: pathAndQuery, method: 'GET', agent: false },
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
    );
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      DIAL_TIMEOUT_MS,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(new ApiError(500, '', `Get "${url}": ${dialErrorText(err, loc)}`));
    });
    res.once('close', () => req.destroy());
    req.end();
  });
  const code = backend.statusCode ?? 500;
  if (code < 200 || code > 206) throw kubeletLogError(code, await readLimited(backend), podName);
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
  (res as { flushHeaders?: () => void }).flushHeaders?.();
  const out = res as unknown as NodeJS.WritableStream;
  await new Promise<void>((resolve) => {
    const finish = () => {
      backend.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    backend.on('data', (chunk: Buffer) => {
      if (!out.write(chunk)) {
        backend.pause();
        res.once('drain', () => backend.resume());
      }
    });
    backend.once('end', finish);
    backend.once('error', finish);
    backend.once('aborted', finish);
    res.once('close', finish);
  });
}
