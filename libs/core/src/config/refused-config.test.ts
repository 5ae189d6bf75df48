import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors/errors';
import { loadConfigFile, loadConfigText } from './load-config';

const S = '11111111-1111-1111-1111-111111111111';
const D = '22222222-2222-2222-2222-222222222222';

function issuesOf(text: string): string[] {
  try {
    loadConfigText(text, { env: {} });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  assert.fail('expected the configuration to be refused');
}

async function fileIssues(path: string): Promise<string> {
  const error = await loadConfigFile(path, { env: {} }).then(
    () => assert.fail('expected the file to be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError, String(error));
  return error.issues.map((issue) => issue.message).join('\n');
}

const link = (name: string, from: string, to: string, extra = '') =>
  `  - name: ${name}\n    source: { vault: ${from}, region: westeurope }\n    replicas: [{ vault: ${to}, region: northeurope }]\n${extra}`;

describe('configuration that would loop is refused, naming the links', () => {
  it('a one-way link each way (the bounce of issue 18)', () => {
    const issues = issuesOf(
      `replication: { overwriteUnowned: true }\nlinks:\n${link('ab', 'kv-a', 'kv-b')}${link('ba', 'kv-b', 'kv-a')}`,
    );
    assert.match(
      issues.join('\n'),
      /^links\[0\]: kv-a and kv-b replicate into each other through links ab \(links\[0\]\), ba \(links\[1\]\)/m,
    );
  });

  it('a ring whose links do not all point one way round is a loop of two paths, not a cycle', () => {
    // kv-a reaches kv-c directly and through kv-b; the filters keep kv-c's writers apart.
    const issues = issuesOf(
      `links:\n${link('ab', 'kv-a', 'kv-b')}${link('ac', 'kv-a', 'kv-c', '    filters: { include: { names: [x] } }\n')}${link('bc', 'kv-b', 'kv-c', '    filters: { include: { names: [y] } }\n')}`,
    ).join('\n');
    assert.match(
      issues,
      /join kv-b, kv-c, kv-a in a loop: a write would reach a vault along two paths/,
    );
    assert.doesNotMatch(issues, /form a cycle/);
  });

  it('a cycle that goes through a two-way link against its declared direction is a cycle', () => {
    const issues = issuesOf(
      `links:\n${link('ba', 'kv-b', 'kv-a', '    mode: two-way\n')}${link('bc', 'kv-b', 'kv-c')}${link('ca', 'kv-c', 'kv-a')}`,
    ).join('\n');
    assert.match(issues, /form a cycle kv-c → kv-a → kv-b → kv-c: every write would go round it/);
  });

  it('a three-vault cycle, a two-way plus one-way link over one pair, the same pair twice', () => {
    assert.match(
      issuesOf(
        `links:\n${link('l1', 'kv-a', 'kv-b')}${link('l2', 'kv-b', 'kv-c')}${link('l3', 'kv-c', 'kv-a')}`,
      ).join('\n'),
      /form a cycle .*every write would go round it forever/,
    );
    assert.match(
      issuesOf(
        `links:\n${link('pair', 'kv-a', 'kv-b', '    mode: two-way\n')}${link('extra', 'kv-b', 'kv-a')}`,
      ).join('\n'),
      /kv-a and kv-b are joined more than once \(links pair \(links\[0\]\), extra \(links\[1\]\)\)/,
    );
    assert.match(
      issuesOf(`links:\n${link('one', 'kv-a', 'kv-b')}${link('two', 'kv-a', 'kv-b')}`).join('\n'),
      /joined more than once/,
    );
  });

  it('two sources writing one replica, also through a specific selection', () => {
    assert.match(
      issuesOf(`links:\n${link('a', 'kv-a', 'kv-dr')}${link('b', 'kv-b', 'kv-dr')}`).join('\n'),
      /kv-dr is written by kv-a and kv-b/,
    );
    assert.match(
      issuesOf(
        'sources:\n  - name: s\n    selectionMode: specific\n    keyvaults: [{ name: kv-a, destinationName: kv-dr }, { name: kv-b }]\n    destinations: [{ region: westus, namingPattern: kv-dr }]\n',
      ).join('\n'),
      /kv-dr is written by kv-a and kv-b \(links s\/kv-a .*, s\/kv-b/,
    );
  });

  it('still accepts a plain two-way link', () => {
    const { topology } = loadConfigText(
      `links:\n${link('pair', 'kv-a', 'kv-b', '    mode: two-way\n')}`,
      {
        env: {},
      },
    );
    assert.equal(topology.links.length, 1);
  });
});

describe('configuration that replicates nothing is refused', () => {
  for (const [label, text] of [
    ['an empty document', ''],
    ['a lone document marker', '---\n'],
    ['settings without links or sources', 'replication: { dryRun: true }\n'],
  ]) {
    it(label, () => {
      assert.match(issuesOf(text!).join('\n'), /nothing to replicate: add links or sources/);
    });
  }

  it('/dev/null, as a device rather than an empty file', async () => {
    assert.match(
      await fileIssues('/dev/null'),
      /\/dev\/null is a character device, not a regular file/,
    );
  });
});

describe('every namingPattern resolves or is refused with the reason', () => {
  const selection = (mode: string, pattern: string, destination = '') =>
    `sources:\n  - name: s\n    selectionMode: ${mode}\n    subscriptionId: ${S}\n${mode === 'specific' ? '    keyvaults: [{ name: kv-a }]\n' : ''}    destinations: [{ region: westus, namingPattern: "${pattern}"${destination} }]\n`;

  it("'{source_name}' in the same subscription: the replica would be the source itself", () => {
    assert.match(
      issuesOf(selection('specific', '{source_name}')).join('\n'),
      /replica of kv-a would be kv-a itself/,
    );
    assert.match(
      issuesOf(selection('all', '{source_name}')).join('\n'),
      /names each replica after its source, in the same subscription: the replica would be the source itself/,
    );
  });

  it("'{source_name}' in another subscription makes the link", () => {
    const { topology } = loadConfigText(
      selection('specific', '{source_name}', `, subscriptionId: ${D}`),
      {
        env: {},
      },
    );
    assert.deepEqual(
      topology.links.map((l) => [
        l.source.name,
        l.source.subscriptionId,
        l.replicas[0]?.name,
        l.replicas[0]?.subscriptionId,
      ]),
      [['kv-a', S, 'kv-a', D]],
    );
    assert.equal(
      loadConfigText(selection('all', '{source_name}', `, subscriptionId: ${D}`), { env: {} })
        .topology.selections.length,
      1,
    );
  });

  it('a run-time pattern that can make no valid name, or one vault for all', () => {
    assert.match(
      issuesOf(selection('all', 'dr_{source_name}')).join('\n'),
      /makes no valid vault name, even for the shortest source name/,
    );
    assert.match(
      issuesOf(selection('all', '{source_name}-disaster-recovery-{region}')).join('\n'),
      /makes no valid vault name/,
    );
    assert.match(issuesOf(selection('all', 'kv-dr-{region}')).join('\n'), /has no \{source_name\}/);
    assert.match(
      issuesOf(selection('all', '{source}-dr')).join('\n'),
      /unknown placeholder \{source\}/,
    );
  });
});

describe('configuration files that are not what they seem', () => {
  it('a YAML alias bomb is a clean error, not a stack trace', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    assert.match(issuesOf(levels.join('\n')).join('\n'), /^\(yaml\): aliases expand too far/);
  });

  it('a FIFO is refused without waiting for a writer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'akvr-fifo-'));
    const fifo = join(dir, 'config.yaml');
    execFileSync('mkfifo', [fifo]);
    assert.match(await fileIssues(fifo), /is a FIFO \(named pipe\), not a regular file/);
  });

  it('UTF-16 and non-UTF-8 files get a message naming the encoding; a UTF-8 BOM is fine', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'akvr-enc-'));
    const text = `links:\n${link('l', 'kv-a', 'kv-b')}`;
    const write = async (name: string, bytes: Buffer) => {
      await writeFile(join(dir, name), bytes);
      return join(dir, name);
    };
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.match(
      await fileIssues(await write('le.yaml', le)),
      /the file is UTF-16LE .*save it as UTF-8/,
    );
    const be = Buffer.from(text, 'utf16le').swap16();
    assert.match(
      await fileIssues(await write('be.yaml', be)),
      /looks like UTF-16BE; save it as UTF-8/,
    );
    const latin1 = Buffer.from(`# café\n${text}`, 'latin1');
    assert.match(await fileIssues(await write('l1.yaml', latin1)), /not valid UTF-8/);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    const { topology } = await loadConfigFile(await write('bom.yaml', bom), { env: {} });
    assert.equal(topology.links[0]?.name, 'l');
  });
});

describe('a region that is not an Azure region name is refused', () => {
  const withReplicaRegion = (region: string) =>
    `links:\n  - name: l\n    source: { vault: kv-a, region: westeurope }\n    replicas: [{ vault: kv-b, region: "${region}" }]\n`;
  const destination = (region: string) =>
    `sources:\n  - name: s\n    selectionMode: all\n    subscriptionId: ${S}\n    destinations: [{ region: "${region}" }]\n`;

  it('a look-alike letter (Kelvin sign), a typographic space, a path, an empty name', () => {
    // '\u212A' lower-cases to 'k': without the check it would share koreacentral's pacing slice.
    for (const region of ['\u212Aoreacentral', 'west\u00a0europe', '../westeurope', '']) {
      assert.match(
        issuesOf(withReplicaRegion(region)).join('\n'),
        /links\[0\]\.replicas\[0\]\.region: must be an Azure region name/,
        JSON.stringify(region),
      );
    }
    assert.match(
      issuesOf(destination('eastus\u0131')).join('\n'),
      /sources\[0\]\.destinations\[0\]\.region: must be an Azure region name/,
    );
  });

  it('ARM names and display names load', () => {
    for (const region of ['westeurope', 'eastus2euap', 'West Europe', 'usgovvirginia']) {
      const { topology } = loadConfigText(withReplicaRegion(region), { env: {} });
      assert.equal(topology.links[0]?.replicas[0]?.region, region);
    }
  });
});
