/** Serves /openapi/v3 and its per-group-version documents (from src/api/openapi). */
import { openApiV3Document, openApiV3Root } from '../api/openapi/index.js';
import { Errors } from './errors.js';
import { writeJson } from './http/respond.js';
import type { Res } from './http/types.js';

export function serveOpenApi(res: Res, path: string, _query: URLSearchParams): void {
  if (path === '/openapi/v3') return writeJson(res, 200, openApiV3Root());
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiV3Document(path.slice('/openapi/v3/'.length));
    if (doc) return writeJson(res, 200, doc);
  }
  throw Errors.pathNotFound();
}
