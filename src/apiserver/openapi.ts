/**
 * Serves /openapi/v3 and its per-group-version documents, and /openapi/v2 as JSON or, when
 * asked for, as gnostic protobuf (what kubectl asks for), with an ETag and 304 for a
 * matching If-None-Match (from src/api/openapi).
 */
import {
  OPENAPI_V2_PROTOBUF,
  OPENAPI_V2_PROTOBUF_ACCEPT,
  openApiV2Served,
  openApiV3Document,
  openApiV3Root,
} from '../api/openapi/index.js';
import { Errors } from './errors.js';
import { writeJson } from './http/respond.js';
import type { Req, Res } from './http/types.js';

function serveV2(req: Req, res: Res): void {
  const doc = openApiV2Served();
  const accept = req.headers.accept ?? '';
  const protobuf = OPENAPI_V2_PROTOBUF_ACCEPT.some((t) => accept.includes(t));
  const headers = { etag: doc.etag, vary: 'Accept', 'cache-control': 'no-cache, private' };
  if (req.headers['if-none-match'] === doc.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const body = protobuf ? doc.protobuf : doc.json;
  res.writeHead(200, {
    ...headers,
    'content-type': protobuf ? OPENAPI_V2_PROTOBUF : 'application/json',
    'content-length': String(body.length),
  });
  res.end(body);
}

export function serveOpenApi(req: Req, res: Res, path: string, _query: URLSearchParams): void {
  if (path === '/openapi/v2') return serveV2(req, res);
  if (path === '/openapi/v3') return writeJson(res, 200, openApiV3Root());
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiV3Document(path.slice('/openapi/v3/'.length));
    if (doc) return writeJson(res, 200, doc);
  }
  throw Errors.pathNotFound();
}
