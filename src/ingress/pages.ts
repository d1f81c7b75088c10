/**
 * The plain pages this proxy answers with itself: 404 when no rule matches, 503 when a
 * backend has no ready endpoints, 502 when a backend fails, 504 when it does not answer
 * in time. Pure.
 */

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonOf(status: number): string {
  return REASONS[status] ?? 'Error';
}

export interface Page {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function errorPage(status: number): Page {
  const title = `${status} ${reasonOf(status)}`;
  const body =
    `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n` +
    '<hr><center>k8ts ingress</center>\n</body>\n</html>\n';
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(new TextEncoder().encode(body).length),
      'cache-control': 'no-store',
    },
    body,
  };
}

/** The same page as a raw HTTP/1.1 response, for sockets taken over by an Upgrade request. */
export function rawErrorResponse(status: number): string {
  const page = errorPage(status);
  const head = Object.entries({ ...page.headers, connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${reasonOf(status)}\r\n${head}\r\n${page.body}`;
}
