/**
 * core/v1 node and pod affinity (PodSpec.affinity).
 * Field numbers are the wire contract of the Kubernetes protobuf encoding and never change;
 * names are JSON names. Data only: the grammar is in ../schema.ts.
 */
import type { MessageTable } from '../schema.js';

export const coreV1Affinity: MessageTable = {
  Affinity: {
    1: 'nodeAffinity NodeAffinity',
    2: 'podAffinity PodAffinity',
    3: 'podAntiAffinity PodAntiAffinity',
  },
  NodeAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution NodeSelector',
    2: 'preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  },
  NodeSelector: {
    1: 'nodeSelectorTerms []NodeSelectorTerm',
  },
  NodeSelectorTerm: {
    1: 'matchExpressions []NodeSelectorRequirement',
    2: 'matchFields []NodeSelectorRequirement',
  },
  NodeSelectorRequirement: {
    1: 'key string!',
    2: 'operator string!',
    3: 'values []string',
  },
  PreferredSchedulingTerm: {
    1: 'weight int32!',
    2: 'preference NodeSelectorTerm',
  },
  PodAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
    2: 'preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  },
  PodAntiAffinity: {
    1: 'requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm',
    2: 'preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  },
  PodAffinityTerm: {
    1: 'labelSelector LabelSelector',
    2: 'namespaces []string',
    3: 'topologyKey string!',
    4: 'namespaceSelector LabelSelector',
    5: 'matchLabelKeys []string',
    6: 'mismatchLabelKeys []string',
  },
  WeightedPodAffinityTerm: {
    1: 'weight int32!',
    2: 'podAffinityTerm PodAffinityTerm',
  },
};
