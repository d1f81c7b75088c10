/**
 * Making sure the `k8ts` IngressClass (controller `k8ts.io/ingress`) exists. When this
 * controller creates it, it marks it the default class, unless another class already
 * is the default (it does not take that over). An existing `k8ts` class is never changed,
 * so a user who edits it (or removes the default mark) keeps their choice.
 */
import type { Client } from '../client/client.js';
import { isAlreadyExists, isNotFound } from '../client/errors.js';
import type { KObject } from '../registry/types.js';
import { CLASS_NAME, CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION } from './types.js';

/** The IngressClass to create, given the classes that exist. */
export function classToCreate(existing: KObject[]): KObject {
  const otherDefault = existing.some(
    (c) => c.metadata?.name !== CLASS_NAME && c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
  );
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: CLASS_NAME,
      labels: { 'app.kubernetes.io/managed-by': 'k8ts' },
      ...(otherDefault ? {} : { annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } }),
    },
    spec: { controller: CONTROLLER_NAME },
  };
}

/** Creates the class if it is missing; returns whether it was created here. */
export async function ensureIngressClass(client: Client): Promise<boolean> {
  const classes = client.resource('networking.k8s.io', 'v1', 'ingressclasses');
  try {
    await classes.get(undefined, CLASS_NAME);
    return false;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const existing = (await classes.list()).items;
  try {
    await classes.create(undefined, classToCreate(existing));
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}
