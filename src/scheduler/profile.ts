/**
 * The default plugin set, in upstream's order and with its score weights: filters
 * NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
 * PodTopologySpread, InterPodAffinity; scores TaintToleration ×3, NodeAffinity ×2,
 * NodeResourcesFit ×1, PodTopologySpread ×2, InterPodAffinity ×2,
 * NodeResourcesBalancedAllocation ×1, ImageLocality ×1. VolumeBinding filters (after
 * NodeResourcesFit) when the profile is given a VolumeLister; other volume plugins are not
 * part of it. Pure.
 */
import type { FilterPlugin, ScorePlugin } from './framework/plugin.js';
import { balancedAllocation } from './plugins/balanced-allocation.js';
import { imageLocality } from './plugins/image-locality.js';
import { interPodAffinityFilter } from './plugins/inter-pod-affinity.js';
import { interPodAffinityScore } from './plugins/inter-pod-affinity-score.js';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import {
  nodeResourcesFitFilter,
  nodeResourcesFitScore,
  type ScoringStrategy,
} from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpreadFilter } from './plugins/pod-topology-spread.js';
import { podTopologySpreadScore } from './plugins/pod-topology-spread-score.js';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration.js';
import { type VolumeLister, volumeBinding } from './plugins/volume-binding.js';

export interface Profile {
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export interface ProfileOptions {
  /** NodeResourcesFit scoring: LeastAllocated (default) or MostAllocated. */
  scoringStrategy?: ScoringStrategy;
  /** Claims, volumes and classes for VolumeBinding (absent: the plugin is left out). */
  volumes?: VolumeLister;
}

export function defaultProfile(opts: ProfileOptions = {}): Profile {
  return {
    filters: [
      nodeUnschedulable,
      nodeName,
      taintTolerationFilter,
      nodeAffinityFilter,
      nodePorts,
      nodeResourcesFitFilter,
      ...(opts.volumes ? [volumeBinding(opts.volumes)] : []),
      podTopologySpreadFilter,
      interPodAffinityFilter,
    ],
    scores: [
      taintTolerationScore,
      nodeAffinityScore,
      nodeResourcesFitScore(opts.scoringStrategy),
      podTopologySpreadScore,
      interPodAffinityScore,
      balancedAllocation,
      imageLocality,
    ],
  };
}
