/**
 * Defaults of a pod spec, as kube-apiserver applies them, shared by Pods and every pod
 * template (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs...). Pure.
 */

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** The image's tag decides the default pull policy: `latest` (or none) pulls Always. */
export function defaultPullPolicy(image: string): string {
  const last = image.split('/').pop() ?? '';
  if (last.includes('@')) return 'IfNotPresent';
  const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (typeof c['image'] === 'string') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c['image']));
  setDefault(c, 'resources', {});
  // A limit without a request is also the request (as kube-apiserver defaults it).
  const res = c['resources'];
  if (isObj(res) && isObj(res['limits'])) {
    const requests = isObj(res['requests']) ? res['requests'] : {};
    for (const [name, limit] of Object.entries(res['limits']))
      if (requests[name] === undefined) requests[name] = limit;
    res['requests'] = requests;
  }
  if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isObj(p)) setDefault(p, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe];
    if (!isObj(pr)) continue;
    setDefault(pr, 'timeoutSeconds', 1);
    setDefault(pr, 'periodSeconds', 10);
    setDefault(pr, 'successThreshold', 1);
    setDefault(pr, 'failureThreshold', 3);
    if (isObj(pr['httpGet'])) setDefault(pr['httpGet'], 'path', '/');
    if (isObj(pr['httpGet'])) setDefault(pr['httpGet'], 'scheme', 'HTTP');
  }
  if (Array.isArray(c['env'])) {
    for (const e of c['env']) {
      const fieldRef = isObj(e) && isObj(e['valueFrom']) ? e['valueFrom']['fieldRef'] : undefined;
      if (isObj(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
    }
  }
}

export function defaultPodSpec(spec: unknown): void {
  if (!isObj(spec)) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) for (const c of cs) if (isObj(c)) defaultContainer(c);
  }
  if (Array.isArray(spec['volumes'])) {
    for (const v of spec['volumes']) {
      if (!isObj(v)) continue;
      for (const src of ['configMap', 'secret', 'downwardAPI', 'projected'])
        if (isObj(v[src])) setDefault(v[src], 'defaultMode', 420);
      if (isObj(v['hostPath'])) setDefault(v['hostPath'], 'type', '');
    }
  }
}

/** Defaults of a pod template (`spec.template` of workloads). */
export function defaultTemplate(template: unknown): void {
  if (!isObj(template)) return;
  setDefault(template, 'metadata', {});
  defaultPodSpec(template['spec']);
}
