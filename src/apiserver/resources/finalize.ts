/**
 * namespaces/finalize: the update through which the namespace controller removes its
 * `kubernetes` entry from spec.finalizers once a terminating namespace is empty. It
 * changes nothing but spec.finalizers; when none are left (and no metadata.finalizers),
 * the generic store removes the namespace.
 */
import { updateObject } from '../../registry/generic/write.js';
import type { KObject, Strategy } from '../../registry/types.js';
import { Errors } from '../errors.js';
import type { ResourceCall } from './context.js';
import { checkNameMatches, decodeObject } from './decode.js';
import { respondObject } from './read.js';

type Obj = Record<string, unknown>;

function finalizers(obj: KObject): unknown {
  return (obj['spec'] as Obj | undefined)?.['finalizers'];
}

/** Keeps the stored namespace and takes only spec.finalizers (and the precondition) from the request. */
function finalizeStrategy(base: Strategy): Strategy {
  return {
    nameRule: base.nameRule ?? 'label',
    allowUnconditionalUpdate: true,
    prepareForUpdate(obj, old) {
      const wanted = finalizers(obj);
      const rv = obj.metadata?.resourceVersion;
      const copy = structuredClone(old);
      // The metadata object is kept (the store writes the new resourceVersion into it).
      const m = obj.metadata!;
      for (const k of Object.keys(obj)) if (k !== 'metadata') delete obj[k];
      for (const k of Object.keys(m)) delete m[k as keyof typeof m];
      Object.assign(m, copy.metadata);
      for (const [k, v] of Object.entries(copy)) if (k !== 'metadata') obj[k] = v;
      const spec = (obj['spec'] ?? {}) as Obj;
      obj['spec'] = spec;
      if (Array.isArray(wanted) && wanted.length > 0) spec['finalizers'] = [...new Set(wanted)];
      else delete spec['finalizers'];
      if (rv === undefined) delete m.resourceVersion;
      else m.resourceVersion = rv;
    },
    validate(obj) {
      const f = finalizers(obj);
      if (f === undefined) return [];
      if (!Array.isArray(f))
        return [{ type: 'FieldValueInvalid', field: 'spec.finalizers', value: f, detail: 'must be a list' }];
      return f.flatMap((v, i) =>
        typeof v === 'string' && v !== ''
          ? []
          : [
              {
                type: 'FieldValueInvalid' as const,
                field: `spec.finalizers[${i}]`,
                value: v,
                detail: 'name part must be non-empty',
              },
            ],
      );
    },
    ...(base.extraFinalizers ? { extraFinalizers: base.extraFinalizers } : {}),
  };
}

export async function finalizeNamespace(call: ResourceCall): Promise<void> {
  const { info, store } = call;
  if (info.verb !== 'update') throw Errors.methodNotSupported(store.gr, info.verb);
  const obj = await decodeObject(call);
  checkNameMatches(obj, info.name);
  const result = await updateObject(store, call.ctx, '', info.name, {
    subresource: 'finalize',
    createIfMissing: false,
    requireResourceVersion: false,
    strategy: finalizeStrategy(store.strategy),
    apply: () => structuredClone(obj),
  });
  respondObject(call, result.object, 200);
}
