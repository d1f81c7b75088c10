/**
 * Container lifecycle hooks (postStart, preStop) and the sleep action: exec runs in the
 * container through the runtime, httpGet asks the pod (default host: the pod IP; named
 * ports resolve through the container's ports, as probes resolve them). Returns an error
 * message, or undefined when the hook succeeded or there is none.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CriClient } from '../cri/client.js';
import { type PortRef, resolvePort } from '../probes/spec.js';

type Obj = Record<string, unknown>;

function httpHook(h: Obj, container: Obj, podIP: string, timeoutMs: number): Promise<string | undefined> {
  const scheme = String(h['scheme'] ?? 'HTTP').toUpperCase();
  const host = String(h['host'] ?? '') || podIP;
  let port: number;
  try {
    port = resolvePort(h['port'] as PortRef, container);
  } catch (err) {
    return Promise.resolve(`HTTP lifecycle hook: ${(err as Error).message}`);
  }
  const path = String(h['path'] ?? '/');
  const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/1.32' };
  for (const x of (h['httpHeaders'] as Obj[] | undefined) ?? [])
    headers[String(x['name'])] = String(x['value']);
  const req = scheme === 'HTTPS' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const r = req({ host, port, path, headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? undefined : `HTTP lifecycle hook failed with status code ${code}`);
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (e) => resolve(`Get "${scheme.toLowerCase()}://${host}:${port}${path}": ${e.message}`));
    r.end();
  });
}

/** Runs the hook `handler` (a LifecycleHandler) of `container`, bounded by `timeoutMs`. */
export async function runHook(
  cri: CriClient,
  handler: Obj | undefined,
  container: Obj,
  containerId: string,
  podIP: string,
  timeoutMs: number,
): Promise<string | undefined> {
  if (!handler) return undefined;
  const exec = handler['exec'] as Obj | undefined;
  if (exec) {
    const cmd = ((exec['command'] as string[] | undefined) ?? []).map(String);
    try {
      const r = await cri.execSync(containerId, cmd, Math.max(1, Math.ceil(timeoutMs / 1000)), {
        signal: AbortSignal.timeout(timeoutMs + 5_000),
        timeoutMs: timeoutMs + 5_000,
      });
      if (r.exit_code === 0) return undefined;
      const out = Buffer.concat([r.stdout, r.stderr]).toString().trim();
      return `command '${cmd.join(' ')}' exited with ${r.exit_code}: ${out}`;
    } catch (err) {
      return (err as Error).message;
    }
  }
  const http = handler['httpGet'] as Obj | undefined;
  if (http) return httpHook(http, container, podIP, timeoutMs);
  const s = handler['sleep'] as Obj | undefined;
  if (s) {
    await sleep(Math.min(timeoutMs, Number(s['seconds'] ?? 0) * 1000));
    return undefined;
  }
  return undefined;
}
