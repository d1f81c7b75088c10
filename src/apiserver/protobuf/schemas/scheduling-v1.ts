/**
 * scheduling.k8s.io/v1 PriorityClass.
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const schedulingV1: MessageTable = {
  PriorityClass: {
    1: 'metadata ObjectMeta',
    2: 'value int32!',
    3: 'globalDefault bool',
    4: 'description string',
    5: 'preemptionPolicy string!',
  },
};
