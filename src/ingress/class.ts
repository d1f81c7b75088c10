/**
 * Which Ingresses this controller serves. An IngressClass is ours when its
 * spec.controller is `k8ts.io/ingress`. An Ingress is ours when its spec.ingressClassName
 * names one of our classes, or (deprecated but honoured) its `kubernetes.io/ingress.class`
 * annotation does, or when it names no class at all and the cluster's default IngressClass
 * is ours. With several classes marked default, the most recently created one is the
 * default (as the API server's admission picks it). Pure.
 */
import type { KObject } from '../registry/types.js';
import { CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION, LEGACY_CLASS_ANNOTATION } from './types.js';

export interface ClassSelection {
  /** Names of the IngressClasses whose controller is ours. */
  ours: Set<string>;
  /** Whether the cluster's default IngressClass is one of ours. */
  defaultIsOurs: boolean;
}

function controllerOf(cls: KObject): string | undefined {
  return (cls['spec'] as { controller?: string } | undefined)?.controller;
}

function isDefault(cls: KObject): boolean {
  return cls.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

export function selectClasses(classes: KObject[], controller = CONTROLLER_NAME): ClassSelection {
  const ours = new Set<string>();
  for (const c of classes) if (controllerOf(c) === controller && c.metadata?.name) ours.add(c.metadata.name);
  const defaults = classes.filter(isDefault).sort((a, b) => {
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? 1 : -1;
    return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  });
  const chosen = defaults[0];
  return { ours, defaultIsOurs: chosen !== undefined && ours.has(chosen.metadata?.name ?? '') };
}

/** Whether `ingress` is served by the controller whose classes are `sel`. */
export function isServed(ingress: KObject, sel: ClassSelection): boolean {
  const className = (ingress['spec'] as { ingressClassName?: string } | undefined)?.ingressClassName;
  if (className) return sel.ours.has(className);
  const legacy = ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy) return sel.ours.has(legacy);
  return sel.defaultIsOurs;
}
