import { randomUUID } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { addSecretVersion } from '../secrets/secret-operations';
import type {
  CertificatePolicyWire,
  CertificateRecord,
  KeyRecord,
  ObjectAttributes,
} from '../storage/vault-store';
import { newObjectVersion, type VaultContext } from '../vault-context';
import { derOf, publicJwkOf, secretValueOf, thumbprintOf, type CertificateMaterial } from './x509';

const KEY_OPS = ['sign', 'verify', 'wrapKey', 'unwrapKey', 'encrypt', 'decrypt'] as const;

/**
 * Stores one certificate version with its backing key and managed secret (same version id,
 * same validity), and publishes the three NewVersionCreated events Key Vault sends.
 */
export function addCertificateVersion(
  vault: VaultContext,
  input: {
    name: string;
    material: CertificateMaterial;
    policy: CertificatePolicyWire;
    enabled: boolean;
    tags: Record<string, string> | undefined;
    fromCreate: boolean;
  },
): CertificateRecord {
  const leaf: X509Certificate = input.material.chain[0]!;
  const der = derOf(leaf);
  const now = vault.clock.now();
  const version = newObjectVersion();
  const name = vault.store.certificates.versions(input.name)?.[0]?.name ?? input.name;
  const attributes: ObjectAttributes = {
    enabled: input.enabled,
    notBeforeMs: new Date(leaf.validFrom).getTime(),
    expiresMs: new Date(leaf.validTo).getTime(),
    updatedMs: now,
  };
  const exportable = input.policy.key_props?.exportable !== false;
  const contentType = input.policy.secret_props?.contentType ?? 'application/x-pkcs12';
  const kid = `${vault.origin}/keys/${name}/${version}`;
  const certificate: CertificateRecord = {
    name,
    version,
    createdMs: now,
    cerBase64: der.toString('base64'),
    x5t: thumbprintOf(der),
    attributes,
    tags: input.tags,
    policy: input.policy,
    operation: input.fromCreate
      ? { requestId: randomUUID().replaceAll('-', ''), issuer: input.policy.issuer?.name ?? 'Self' }
      : undefined,
  };
  const key: KeyRecord = {
    name,
    version,
    createdMs: now,
    kty: leaf.publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'RSA',
    privateKeyPem: input.material.privateKeyPem,
    publicJwk: publicJwkOf(leaf),
    keyOps: KEY_OPS,
    attributes,
    managed: true,
    exportable,
  };
  vault.store.certificates.addVersion(certificate);
  vault.events.newVersion(vault, {
    objectType: 'Certificate',
    id: `${vault.origin}/certificates/${name}/${version}`,
    name,
    version,
    notBeforeMs: attributes.notBeforeMs,
    expiresMs: attributes.expiresMs,
  });
  vault.store.keys.addVersion(key);
  vault.events.newVersion(vault, {
    objectType: 'Key',
    id: kid,
    name,
    version,
    notBeforeMs: attributes.notBeforeMs,
    expiresMs: attributes.expiresMs,
  });
  addSecretVersion(vault, {
    name,
    version,
    createdMs: now,
    value: secretValueOf(input.material, contentType, exportable),
    contentType,
    attributes,
    managed: true,
    kid,
  });
  return certificate;
}
