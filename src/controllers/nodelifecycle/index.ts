/**
 * The node lifecycle controller as the controller manager runs it: node health and
 * taints (controller.ts) together with taint-based eviction of pods (taint-eviction.ts).
 */
import type { Controller, ControllerContext } from '../framework/controller.js';
import { NodeLifecycleController, type NodeLifecycleSettings } from './controller.js';
import { TaintEvictionController } from './taint-eviction.js';

export type { NodeLifecycleSettings };

export function nodeLifecycleController(
  ctx: ControllerContext,
  settings: NodeLifecycleSettings = {},
): Controller {
  const parts: Controller[] = [new NodeLifecycleController(ctx, settings), new TaintEvictionController(ctx)];
  return {
    name: 'nodelifecycle',
    async run(signal) {
      await Promise.all(parts.map((c) => c.run(signal)));
    },
  };
}
