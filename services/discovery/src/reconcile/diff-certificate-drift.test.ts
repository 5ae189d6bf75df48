// Certificate drift rules the first mutation run found unstated (issue #25): a re-imported
// source (new `updated`, same thumbprint) is a new version, a replica's tags must match the
// source's exactly, and a two-way echo counts only for the replica's current write.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateItem } from '@akv-replicator/keyvault';
import { diffCertificateListings } from './diff-certificate-listings';
import {
  certificateDiffOptions as options,
  provenanceTags as provenance,
} from './listing-fixtures';

const cert = (extra: Partial<CertificateItem> = {}): CertificateItem => ({
  name: 'tls',
  enabled: true,
  tags: {},
  created: 100,
  updated: 100,
  x5t: 'thumb',
  ...extra,
});
const drift = (source: CertificateItem, replica: CertificateItem, o = options()) =>
  diffCertificateListings([source], [replica], o).drifted.map((d) => d.drift);
const copy = (source: CertificateItem, extra: Partial<CertificateItem> = {}) =>
  cert({
    updated: 105,
    ...extra,
    tags: { ...source.tags, ...provenance('kv-src', source.updated), ...extra.tags },
  });

describe('diffCertificateListings — drift', () => {
  it('reports a re-imported source (new updated time, same thumbprint) as a new version', () => {
    const source = cert({ updated: 200 });
    assert.deepEqual(drift(source, copy(cert({ updated: 100 }))), ['version']);
  });

  it('is in sync when provenance, thumbprint, enabled state and tags all match', () => {
    const source = cert({ tags: { team: 'a' } });
    assert.deepEqual(drift(source, copy(source)), []);
  });

  it('reports a replica tag added, removed or changed by hand as attribute drift', () => {
    const source = cert({ tags: { team: 'a' } });
    assert.deepEqual(drift(source, copy(source, { tags: { extra: 'x' } })), ['attributes']);
    assert.deepEqual(drift(source, copy(source, { tags: { team: 'b' } })), ['attributes']);
    const removed = cert({ updated: 105, tags: provenance('kv-src', source.updated) });
    assert.deepEqual(drift(source, removed), ['attributes']);
  });

  it('sees a two-way echo as in sync only while the replica still holds the write it echoes', () => {
    const twoWay = options({ mode: 'two-way' });
    const replica = cert({ updated: 300 });
    const echoOfCurrent = cert({ updated: 301, tags: provenance('kv-dst', 300) });
    const echoOfOlder = cert({ updated: 301, tags: provenance('kv-dst', 250) });
    assert.equal(diffCertificateListings([echoOfCurrent], [replica], twoWay).inSync, 1);
    assert.deepEqual(drift(echoOfOlder, replica, twoWay), ['unknown']);
  });
});
