/**
 * The ReplicationController controller: the replica controller of src/controllers/
 * replicaset/ run for core/v1 ReplicationControllers, whose selector is a plain label map.
 */
import type { ControllerContext } from '../framework/controller.js';
import { type ReplicaControllerOptions, ReplicaSetController } from '../replicaset/controller.js';
import { REPLICATION_CONTROLLER } from '../replicaset/kinds.js';

export class ReplicationControllerController extends ReplicaSetController {
  constructor(ctx: ControllerContext, opts: ReplicaControllerOptions = {}) {
    super(ctx, REPLICATION_CONTROLLER, opts);
  }
}
