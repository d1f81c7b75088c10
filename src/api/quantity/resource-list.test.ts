/** Resource lists: reading, canonical JSON, sums and the quota message form. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addLists, fromResourceList, prettyList, toResourceList } from './resource-list.js';

describe('resource lists', () => {
  it('skip entries that are not quantities and print keys sorted', () => {
    const list = toResourceList({ pods: '10', cpu: '500m', bogus: 'x', memory: 1024 });
    assert.deepEqual([...list.keys()], ['pods', 'cpu', 'memory']);
    assert.equal(prettyList(list), 'cpu=500m,memory=1024,pods=10');
    assert.deepEqual(fromResourceList(list), { cpu: '500m', memory: '1024', pods: '10' });
    assert.equal(toResourceList('cpu=1').size, 0);
    assert.equal(toResourceList(null).size, 0);
  });

  it('add resource by resource', () => {
    const sum = addLists(
      toResourceList({ cpu: '1', memory: '64Mi' }),
      toResourceList({ memory: '64Mi', pods: 2 }),
    );
    assert.deepEqual(fromResourceList(sum), { cpu: '1', memory: '128Mi', pods: '2' });
  });
});
