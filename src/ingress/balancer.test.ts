/** Round robin across endpoints, surviving table rebuilds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoundRobin } from './balancer.js';

describe('round robin', () => {
  it('cycles through endpoints and keeps its place across equal rebuilt backends', () => {
    const rr = new RoundRobin();
    const eps = [1, 2, 3].map((port) => ({ host: '127.0.0.1', port }));
    const picks = [];
    for (let i = 0; i < 4; i++) picks.push(rr.pick({ key: 'ns/s:80', endpoints: eps })?.port);
    // A rebuilt table hands over a new but equal backend object.
    picks.push(rr.pick({ key: 'ns/s:80', endpoints: [...eps] })?.port);
    assert.deepEqual(picks, [1, 2, 3, 1, 2]);
    assert.equal(rr.pick({ key: 'ns/s:80', endpoints: [] }), undefined);
  });

  it('forgets backends that are gone and stays in range when endpoints shrink', () => {
    const rr = new RoundRobin();
    const three = [1, 2, 3].map((port) => ({ host: 'h', port }));
    rr.pick({ key: 'a', endpoints: three });
    rr.pick({ key: 'a', endpoints: three });
    assert.equal(rr.pick({ key: 'a', endpoints: three.slice(0, 1) })?.port, 1);
    rr.pick({ key: 'a', endpoints: three });
    rr.retain(new Set(['b']));
    assert.equal(rr.pick({ key: 'a', endpoints: three })?.port, 1);
  });
});
