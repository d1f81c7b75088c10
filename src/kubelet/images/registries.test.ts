/** The registries file: parsing, one-line validation errors, and the node's credentials per registry. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRegistries, registriesWarnings, registryAuthLookup } from './registries.js';
import { loadRegistries } from './registries-file.js';

const FILE = '/etc/k8ts/registries.yaml';

const SAMPLE = `
mirrors:
  docker.io:
    endpoint:
      - "http://127.0.0.1:5000"
      - mirror.example.com:8443/v2/hub/
  "*":
    endpoint: ["https://all.example.com"]
configs:
  "mirror.example.com:8443":
    auth:
      username: alice
      password: pw
    tls:
      ca_file: /etc/ssl/mirror-ca.pem
      cert_file: /etc/ssl/client.pem
      key_file: /etc/ssl/client.key
  registry.example.com:
    auth:
      auth: ${Buffer.from('bob:pw2').toString('base64')}
    tls:
      insecure_skip_verify: true
`;

describe('parseRegistries', () => {
  it('reads mirrors and configs, normalising endpoints', () => {
    const cfg = parseRegistries(SAMPLE, FILE);
    assert.deepEqual(cfg.mirrors['docker.io']?.endpoint, [
      'http://127.0.0.1:5000',
      'https://mirror.example.com:8443/v2/hub',
    ]);
    assert.deepEqual(cfg.mirrors['*']?.endpoint, ['https://all.example.com']);
    assert.deepEqual(cfg.configs['mirror.example.com:8443']?.tls, {
      ca_file: '/etc/ssl/mirror-ca.pem',
      cert_file: '/etc/ssl/client.pem',
      key_file: '/etc/ssl/client.key',
    });
    assert.equal(cfg.configs['registry.example.com']?.tls?.insecure_skip_verify, true);
  });

  it('takes an empty file as no settings', () => {
    assert.deepEqual(parseRegistries('', FILE), { mirrors: {}, configs: {} });
    assert.deepEqual(parseRegistries('mirrors:\n', FILE), { mirrors: {}, configs: {} });
  });

  it('rejects bad input in one line naming the file and the field', () => {
    const cases: [string, string][] = [
      ['mirrors: [1]', 'registries file /etc/k8ts/registries.yaml: mirrors: must be a mapping'],
      [
        'mirror: {}',
        'registries file /etc/k8ts/registries.yaml: (top level).mirror: unknown field (expected one of: mirrors, configs)',
      ],
      ['mirrors: {docker.io: {}}', 'mirrors["docker.io"].endpoint: must be a non-empty list of URLs'],
      [
        'mirrors: {docker.io: {endpoint: ["ftp://x"]}}',
        'mirrors["docker.io"].endpoint[0]: "ftp://x" must be an http:// or https:// URL',
      ],
      ['mirrors: {docker.io: {endpoint: [5]}}', 'mirrors["docker.io"].endpoint[0]: must be a string'],
      [
        'mirrors: {"bad host!": {endpoint: ["http://a"]}}',
        'mirrors["bad host!"]: "bad host!" is not a registry host',
      ],
      [
        'mirrors: {docker.io: {endpoint: ["http://a"], rewrite: {"(": "x"}}}',
        'mirrors["docker.io"].rewrite["("]: invalid regular expression',
      ],
      [
        'configs: {a.io: {tls: {insecure_skip_verify: "yes"}}}',
        'configs["a.io"].tls.insecure_skip_verify: must be true or false',
      ],
      [
        'configs: {a.io: {tls: {ca_file: "ca.pem"}}}',
        'configs["a.io"].tls.ca_file: must be an absolute path, not "ca.pem"',
      ],
      [
        'configs: {a.io: {tls: {cert_file: "/c"}}}',
        'configs["a.io"].tls: cert_file and key_file go together',
      ],
      ['configs: {a.io: {auth: {user: x}}}', 'configs["a.io"].auth.user: unknown field'],
      [
        'configs: {a.io: {auth: {auth: "bm9jb2xvbg=="}}}',
        'configs["a.io"].auth.auth: must be base64 of username:password',
      ],
      ['configs: {"*": {}}', 'configs["*"]: "*" is not a registry host'],
      ['mirrors: {a: [', 'registries file /etc/k8ts/registries.yaml: invalid YAML:'],
    ];
    for (const [text, want] of cases) {
      assert.throws(
        () => parseRegistries(text, FILE),
        (err: Error) =>
          err.message.includes(want) &&
          !err.message.includes('\n') &&
          err.message.startsWith(`registries file ${FILE}: `),
        `${text} -> want ${want}`,
      );
    }
  });

  it('warns that containerd 1.6 cannot rewrite', () => {
    const cfg = parseRegistries(
      'mirrors: {docker.io: {endpoint: ["http://a"], rewrite: {"^library/(.*)": "mirror/$1"}}}',
      FILE,
    );
    assert.deepEqual(cfg.mirrors['docker.io']?.rewrite, { '^library/(.*)': 'mirror/$1' });
    assert.equal(registriesWarnings(cfg, FILE).length, 1);
    assert.match(registriesWarnings(cfg, FILE)[0]!, /rewrite is ignored/);
  });
});

describe('registryAuthLookup', () => {
  it("gives a host's own credentials, else its mirror's limited to that mirror", () => {
    const auth = registryAuthLookup(parseRegistries(SAMPLE, FILE));
    assert.deepEqual(auth('registry.example.com'), { auth: Buffer.from('bob:pw2').toString('base64') });
    assert.deepEqual(auth('docker.io'), {
      username: 'alice',
      password: 'pw',
      server_address: 'https://mirror.example.com:8443',
    });
    assert.equal(auth('quay.io'), undefined, 'the * mirror has no credentials');
  });
});

describe('loadRegistries', () => {
  it('reads the file, and gives undefined when there is none', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-registries-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    assert.equal(await loadRegistries(join(dir, 'absent.yaml')), undefined);
    const file = join(dir, 'registries.yaml');
    await writeFile(file, SAMPLE);
    assert.deepEqual(Object.keys((await loadRegistries(file))?.mirrors ?? {}), ['docker.io', '*']);
    await writeFile(file, 'configs: {a.io: {tls: {key_file: /k}}}');
    await assert.rejects(loadRegistries(file), (err: Error) =>
      err.message.startsWith(`registries file ${file}: `),
    );
  });
});
