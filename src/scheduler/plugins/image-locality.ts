/**
 * ImageLocality: prefers nodes that already have the pod's images (node.status.images),
 * weighing each image by its size and by how widely it is spread (an image on every node
 * says little), between 23 MiB and 1000 MiB per container. Skipped while no node reports
 * images. Pure.
 */
import { type CycleState, MAX_NODE_SCORE, type ScorePlugin } from '../framework/plugin.js';
import type { NodeInfo } from '../node-info.js';

export const NAME = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export const imageLocality: ScorePlugin = {
  name: NAME,
  weight: 1,
  preScore: (state: CycleState) => state.cache.anyImages && state.pod.images.length > 0,
  score(state: CycleState, node: NodeInfo) {
    const total = state.cache.numNodes;
    let sum = 0;
    for (const image of state.pod.images) {
      const size = node.images.get(image);
      if (size === undefined || total === 0) continue;
      sum += Math.trunc((size * state.cache.nodesWithImage(image)) / total);
    }
    const max = MAX_CONTAINER_THRESHOLD * Math.max(1, state.pod.containerCount);
    const clamped = Math.min(max, Math.max(MIN_THRESHOLD, sum));
    return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
  },
};
