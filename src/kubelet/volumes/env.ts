/**
 * EnvService: a container's environment as the kubelet builds it. envFrom first
 * (ConfigMaps and Secrets, with prefix; optional ones may be missing), then env in order,
 * each `value` expanded against the variables so far and the service variables, each
 * valueFrom resolved (fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef); an env
 * entry overrides an envFrom one of the same name. Service link variables follow (see
 * service-env.ts), except those the container defines itself. Reads objects through the
 * ObjectSource and services through the injected lister; writes nothing.
 */
import type { KObject } from '../../registry/types.js';
import type { KeyValue } from '../cri/types.js';
import { ContainerWaitingError, type EnvService, type Obj, type ObjectSource } from '../pods/deps.js';
import { rememberEnv } from './env-memo.js';
import { expand, mappingFor } from './expansion.js';
import { podFieldValue } from './fieldpath.js';
import { type Allocatable, resourceFieldValue } from './resources.js';
import { serviceEnvMap } from './service-env.js';

export interface EnvOptions {
  objects: ObjectSource;
  /** Services of a namespace, for the service link variables. */
  listServices: (namespace: string, signal: AbortSignal) => Promise<KObject[]>;
  /** Node allocatable, the default for resourceFieldRef without a limit. */
  nodeAllocatable: () => Allocatable;
}

type Kind = 'configmap' | 'secret';

/** String data of a ConfigMap (data) or Secret (data, base64-decoded). */
function stringData(kind: Kind, obj: KObject): Map<string, string> {
  const data = (obj['data'] ?? {}) as Record<string, unknown>;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') continue;
    out.set(k, kind === 'secret' ? Buffer.from(v, 'base64').toString('utf8') : v);
  }
  return out;
}

function configError(message: string): ContainerWaitingError {
  return new ContainerWaitingError('CreateContainerConfigError', message);
}

export function createEnvService(opts: EnvOptions): EnvService {
  return {
    async resolve(pod: KObject, container: Obj, signal: AbortSignal): Promise<KeyValue[]> {
      const ns = pod.metadata?.namespace ?? 'default';
      const spec = (pod['spec'] ?? {}) as Obj;
      const links = spec['enableServiceLinks'] !== false;
      const cache = new Map<string, Map<string, string> | null>();

      /** The data of a ConfigMap or Secret; null when absent. */
      const load = async (kind: Kind, name: string): Promise<Map<string, string> | null> => {
        const key = `${kind}/${name}`;
        if (!cache.has(key)) {
          const obj = await opts.objects.get(
            kind === 'configmap' ? 'configmaps' : 'secrets',
            ns,
            name,
            signal,
          );
          cache.set(key, obj ? stringData(kind, obj) : null);
        }
        return cache.get(key)!;
      };

      try {
        const [defaults, own] = await Promise.all([
          opts.listServices('default', signal),
          links && ns !== 'default' ? opts.listServices(ns, signal) : Promise.resolve([]),
        ]);
        const serviceEnv = serviceEnvMap(ns, links, defaults, own);
        const vars = new Map<string, string>();

        for (const from of (container['envFrom'] ?? []) as Obj[]) {
          const ref = (from['configMapRef'] ?? from['secretRef']) as Obj | undefined;
          if (!ref) continue;
          const kind: Kind = from['configMapRef'] ? 'configmap' : 'secret';
          const name = String(ref['name'] ?? '');
          const data = await load(kind, name);
          if (!data) {
            if (ref['optional'] === true) continue;
            throw configError(`${kind} "${name}" not found`);
          }
          const prefix = typeof from['prefix'] === 'string' ? from['prefix'] : '';
          for (const [k, v] of data) {
            const varName = prefix + k;
            // A name with '=' or NUL cannot be passed to a process; everything else is kept.
            if (varName === '' || /[=\0]/.test(varName)) continue;
            vars.set(varName, v);
          }
        }

        const mapping = mappingFor(vars, serviceEnv);
        for (const e of (container['env'] ?? []) as Obj[]) {
          const name = String(e['name'] ?? '');
          let val = typeof e['value'] === 'string' ? e['value'] : '';
          const from = e['valueFrom'] as Obj | undefined;
          if (val !== '') {
            val = expand(val, mapping);
          } else if (from) {
            const resolved = await resolveFrom(from);
            if (resolved === undefined) continue;
            val = resolved;
          }
          vars.set(name, val);
        }

        const out: KeyValue[] = [...vars].map(([key, value]) => ({ key, value }));
        for (const [key, value] of serviceEnv) if (!vars.has(key)) out.push({ key, value });
        rememberEnv(container, out);
        return out;
      } catch (err) {
        if (err instanceof ContainerWaitingError || signal.aborted) throw err;
        throw configError((err as Error).message);
      }

      /** The value of a valueFrom; undefined when an optional reference is missing. */
      async function resolveFrom(from: Obj): Promise<string | undefined> {
        if (from['fieldRef']) {
          return podFieldValue(pod, String((from['fieldRef'] as Obj)['fieldPath'] ?? ''));
        }
        if (from['resourceFieldRef']) {
          return resourceFieldValue(pod, container, from['resourceFieldRef'] as Obj, opts.nodeAllocatable());
        }
        const ref = (from['configMapKeyRef'] ?? from['secretKeyRef']) as Obj | undefined;
        if (!ref) return '';
        const kind: Kind = from['configMapKeyRef'] ? 'configmap' : 'secret';
        const name = String(ref['name'] ?? '');
        const key = String(ref['key'] ?? '');
        const optional = ref['optional'] === true;
        const data = await load(kind, name);
        if (!data) {
          if (optional) return undefined;
          throw configError(`${kind} "${name}" not found`);
        }
        const v = data.get(key);
        if (v === undefined) {
          if (optional) return undefined;
          const kindName = kind === 'configmap' ? 'ConfigMap' : 'Secret';
          throw configError(`couldn't find key ${key} in ${kindName} ${ns}/${name}`);
        }
        return v;
      }
    },
  };
}
