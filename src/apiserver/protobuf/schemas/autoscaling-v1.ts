/**
 * autoscaling/v1 HorizontalPodAutoscaler (`kubectl autoscale`).
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const autoscalingV1: MessageTable = {
  HorizontalPodAutoscaler: {
    1: 'metadata ObjectMeta',
    2: 'spec HorizontalPodAutoscalerSpec',
    3: 'status HorizontalPodAutoscalerStatus',
  },
  HorizontalPodAutoscalerSpec: {
    1: 'scaleTargetRef CrossVersionObjectReference',
    2: 'minReplicas int32!',
    3: 'maxReplicas int32!',
    4: 'targetCPUUtilizationPercentage int32!',
  },
  HorizontalPodAutoscalerStatus: {
    1: 'observedGeneration int64!',
    2: 'lastScaleTime Time',
    3: 'currentReplicas int32!',
    4: 'desiredReplicas int32!',
    5: 'currentCPUUtilizationPercentage int32!',
  },
  CrossVersionObjectReference: {
    1: 'kind string!',
    2: 'name string!',
    3: 'apiVersion string',
  },
};
