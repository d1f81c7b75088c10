/** Reading the proxy's own chains and sets out of `nft list` output (other tables ignored). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesIn } from './proxier.js';

const LISTING = `table ip other {
	chain service-x {
	}
}
table ip k8ts-proxy-1 {
	chain filter-prerouting {
		type filter hook prerouting priority dstnat - 10; policy accept;
	}
	chain endpoint-ABCD-ns/web/tcp/http__10.42.0.5/8080 {
	}
	set affinity-ABCD-ns/web/tcp/http__10.42.0.5/8080/60 {
		type ipv4_addr
	}
	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
	}
}
`;

describe('proxier: listing', () => {
  it('finds the chains and sets of its table only', () => {
    assert.deepEqual(namesIn(LISTING, 'k8ts-proxy-1', /^chain (\S+) \{$/), [
      'filter-prerouting',
      'endpoint-ABCD-ns/web/tcp/http__10.42.0.5/8080',
    ]);
    assert.deepEqual(namesIn(LISTING, 'k8ts-proxy-1', /^(?:set|map) (\S+) \{$/), [
      'affinity-ABCD-ns/web/tcp/http__10.42.0.5/8080/60',
      'service-ips',
    ]);
    assert.equal(namesIn(LISTING, 'k8ts-proxy-2', /^chain (\S+) \{$/), undefined, 'no such table');
  });
});
