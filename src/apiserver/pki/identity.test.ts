/** Tests for reading user and groups from a Node peer-certificate object. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClientIdentity } from './identity.js';

describe('parseClientIdentity', () => {
  it('reads CN as the user and O as groups', () => {
    assert.deepEqual(parseClientIdentity({ subject: { CN: 'admin', O: 'system:masters' } }), {
      user: 'admin',
      groups: ['system:masters'],
    });
    assert.deepEqual(parseClientIdentity({ subject: { CN: 'jane', O: ['dev', 'ops'] } }), {
      user: 'jane',
      groups: ['dev', 'ops'],
    });
    assert.deepEqual(parseClientIdentity({ subject: { CN: 'bot' } }), { user: 'bot', groups: [] });
  });

  it('takes the last of several common names, as Go does', () => {
    assert.equal(parseClientIdentity({ subject: { CN: ['a', 'b'] } })?.user, 'b');
  });

  it('gives no identity without a certificate or a common name', () => {
    assert.equal(parseClientIdentity(undefined), undefined);
    assert.equal(parseClientIdentity(null), undefined);
    assert.equal(parseClientIdentity({}), undefined);
    assert.equal(parseClientIdentity({ subject: { O: 'system:masters' } }), undefined);
    assert.equal(parseClientIdentity({ subject: { CN: '' } }), undefined);
  });
});
