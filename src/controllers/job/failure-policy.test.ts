/** podFailurePolicy matching: exit codes, pod conditions, rule order and actions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodFailurePolicy } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { matchFailurePolicy } from './failure-policy.js';

function failed(codes: Record<string, number>, init: Record<string, number> = {}, conds: string[] = []): Pod {
  const st = (name: string, exitCode: number) => ({
    name,
    image: 'x',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { terminated: { exitCode } },
  });
  return {
    metadata: { name: 'p', namespace: 'ns' },
    status: {
      phase: 'Failed',
      containerStatuses: Object.entries(codes).map(([n, c]) => st(n, c)),
      initContainerStatuses: Object.entries(init).map(([n, c]) => st(n, c)),
      conditions: conds.map((type) => ({ type, status: 'True' })),
    },
  };
}

const policy: PodFailurePolicy = {
  rules: [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    { action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } },
  ],
};

describe('pod failure policy', () => {
  it('counts every failure without a policy', () => {
    assert.deepEqual(matchFailurePolicy(undefined, failed({ main: 42 })), { count: true });
  });

  it('fails the job on a matching exit code, with upstream message', () => {
    assert.deepEqual(matchFailurePolicy(policy, failed({ main: 42 })), {
      failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
      count: true,
      action: 'FailJob',
    });
  });

  it('honours containerName and the first matching rule', () => {
    // 42 in another container: not rule 1, but NotIn [1,2] (rule 2) matches.
    assert.equal(matchFailurePolicy(policy, failed({ side: 42 })).action, 'Count');
    // Exit code 1: rules 1 and 2 do not match, rule 3 ignores it.
    assert.deepEqual(matchFailurePolicy(policy, failed({ main: 1 })), { count: false, action: 'Ignore' });
    // Exit code 2 matches nothing: counted, no action.
    assert.deepEqual(matchFailurePolicy(policy, failed({ main: 2 })), { count: true });
  });

  it('ignores zero exit codes and looks at init containers after containers', () => {
    assert.deepEqual(matchFailurePolicy(policy, failed({ main: 0 }, { init: 1 })), {
      count: false,
      action: 'Ignore',
    });
  });

  it('matches pod conditions before exit codes when the rule comes first', () => {
    assert.deepEqual(matchFailurePolicy(policy, failed({ main: 42 }, {}, ['DisruptionTarget'])), {
      count: false,
      action: 'Ignore',
    });
    const failOnCond: PodFailurePolicy = {
      rules: [{ action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'True' }] }],
    };
    assert.equal(
      matchFailurePolicy(failOnCond, failed({ main: 3 }, {}, ['ConfigIssue'])).failJobMessage,
      'Pod ns/p has condition ConfigIssue matching FailJob rule at index 0',
    );
  });
});
