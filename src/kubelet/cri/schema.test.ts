import assert from 'node:assert/strict';
import { test } from 'node:test';
import { criServices } from './schema.js';

test('the CRI schema defines every call the client uses, under runtime.v1', () => {
  const { RuntimeService, ImageService } = criServices();
  const rt = Object.keys(RuntimeService.service);
  for (const m of [
    'Version',
    'RunPodSandbox',
    'StopPodSandbox',
    'RemovePodSandbox',
    'PodSandboxStatus',
    'ListPodSandbox',
    'CreateContainer',
    'StartContainer',
    'StopContainer',
    'RemoveContainer',
    'ListContainers',
    'ContainerStatus',
    'ExecSync',
    'Exec',
    'Attach',
    'PortForward',
    'ContainerStats',
    'UpdateContainerResources',
    'ReopenContainerLog',
  ]) {
    assert.ok(rt.includes(m), m);
    assert.equal(RuntimeService.service[m]?.path, `/runtime.v1.RuntimeService/${m}`);
  }
  for (const m of ['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage', 'ImageFsInfo']) {
    assert.equal(ImageService.service[m]?.path, `/runtime.v1.ImageService/${m}`);
  }
});

test('encodes with the cri-api field numbers', () => {
  const { RuntimeService } = criServices();
  const def = RuntimeService.service['ExecSync']!;
  const bytes = def.requestSerialize({ container_id: 'c', cmd: ['a'], timeout: 3 });
  // field 1 (string "c"), field 2 (string "a"), field 3 (varint 3)
  assert.deepEqual([...bytes], [0x0a, 1, 0x63, 0x12, 1, 0x61, 0x18, 3]);
  const res = RuntimeService.service['ContainerStatus']!.responseDeserialize(
    Buffer.from([0x0a, 0x04, 0x18, 0x02, 0x38, 0x03]),
  ) as { status: { state: string; exit_code: number; created_at: string } };
  assert.equal(res.status.state, 'CONTAINER_EXITED');
  assert.equal(res.status.exit_code, 3);
  assert.equal(res.status.created_at, '0');
});
