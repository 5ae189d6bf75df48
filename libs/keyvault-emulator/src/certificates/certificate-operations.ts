import forge from 'node-forge';
import { errors, ServiceError } from '../errors';
import type { OperationRequest, VaultOperation } from '../http/operation';
import { assertNotInTransition } from '../lifecycle/lifecycle-conflicts';
import { bodyOf, liveVersions } from '../objects/object-kind';
import {
  getOperations,
  lifecycleOperations,
  listOperations,
  updateOperation,
} from '../objects/object-operations';
import { validateAttributes, validateObjectName, validateTags } from '../secrets/secret-validation';
import type {
  CertificatePolicyWire,
  CertificateRecord,
  KeyRecord,
  ObjectFamilyStore,
  SecretRecord,
} from '../storage/vault-store';
import type { VaultContext } from '../vault-context';
import { normalisePolicy } from './certificate-policy';
import { certificateKind } from './certificate-kind';
import { certificateBundle, certificateOperation, renderPolicy } from './certificate-render';
import { addCertificateVersion } from './certificate-versions';
import {
  createSelfSigned,
  type CertificateMaterial,
  keyPropsOf,
  parseImportedCertificate,
  PEM_CONTENT_TYPE,
  subjectOf,
} from './x509';

/** Certificates share their name with a managed secret and key; all three must be free. */
function assertNameFree(vault: VaultContext, name: string): void {
  const { certificates, secrets, keys } = vault.store;
  assertNotInTransition(certificates, 'certificate', name, 'create');
  assertNotInTransition(secrets, 'certificate', name, 'create');
  if (certificates.deleted(name) || secrets.deleted(name) || keys.deleted(name))
    throw errors.deletedButRecoverable('certificate', name);
  const secret = secrets.versions(name);
  if (secret && !secret.at(-1)?.managed) throw errors.alreadyExists('secret', name);
}

/** The name and body of an import or create, once the name is free for a new version. */
function newVersionRequest(
  vault: VaultContext,
  request: OperationRequest,
): { name: string; body: Record<string, unknown> } {
  const name = validateObjectName(request.params['name']);
  const body = bodyOf(request);
  assertNameFree(vault, name);
  return { name, body };
}

/** The request's policy completed from the current one (a new version keeps what it omits). */
function requestedPolicy(
  vault: VaultContext,
  name: string,
  body: Record<string, unknown>,
): CertificatePolicyWire {
  return normalisePolicy(body['policy'], vault.store.certificates.versions(name)?.at(-1)?.policy);
}

/** Validates the request's attributes and tags, then stores the new version. */
function storeRequestedVersion(
  vault: VaultContext,
  name: string,
  body: Record<string, unknown>,
  version: { material: CertificateMaterial; policy: CertificatePolicyWire; fromCreate: boolean },
): CertificateRecord {
  const attributes = validateAttributes(body['attributes']);
  return addCertificateVersion(vault, {
    name,
    ...version,
    enabled: attributes.enabled ?? true,
    tags: validateTags(body['tags']),
  });
}

const importCertificate: VaultOperation = {
  method: 'POST',
  path: '/certificates/:name/import',
  dataAction: 'certificates/import/action',
  handle(vault, request) {
    const { name, body } = newVersionRequest(vault, request);
    const { material, isPem } = parseImportedCertificate(body['value'], body['pwd']);
    const requested = requestedPolicy(vault, name, body);
    const asked = body['policy'] as
      { secret_props?: { contentType?: string }; issuer?: { name?: string } } | undefined;
    const leaf = material.chain[0]!;
    const policy = {
      ...requested,
      // The JS SDK drops the import policy, so PEM is recognised by content.
      secret_props: {
        contentType: asked?.secret_props?.contentType
          ? requested.secret_props!.contentType!
          : isPem
            ? PEM_CONTENT_TYPE
            : 'application/x-pkcs12',
      },
      x509_props: { ...requested.x509_props, subject: subjectOf(leaf) },
      // The key type and size or curve are the imported key's, whatever the request said.
      key_props: { ...withoutKeyShape(requested.key_props), ...keyPropsOf(leaf) },
      // Key Vault reports imported certificates as issued by "Unknown" unless told otherwise.
      issuer: { name: asked?.issuer?.name ?? 'Unknown' },
    };
    const record = storeRequestedVersion(vault, name, body, {
      material,
      policy,
      fromCreate: false,
    });
    return { status: 200, body: certificateBundle(vault, record) };
  },
};

function withoutKeyShape(props: CertificatePolicyWire['key_props']) {
  const { kty: _kty, key_size: _size, crv: _crv, ...rest } = props ?? {};
  return rest;
}

const createCertificate: VaultOperation = {
  method: 'POST',
  path: '/certificates/:name/create',
  dataAction: 'certificates/create/action',
  handle(vault, request) {
    const { name, body } = newVersionRequest(vault, request);
    const policy = requestedPolicy(vault, name, body);
    if (policy.issuer?.name !== 'Self') {
      throw errors.badParameter(
        `Issuer ${policy.issuer?.name} is not supported by the emulator; only self-signed (issuer Self) certificates are created.`,
      );
    }
    if (policy.key_props?.kty?.startsWith('EC'))
      throw errors.badParameter(
        'The emulator creates RSA certificates only; import EC certificates instead.',
      );
    const subject = policy.x509_props?.subject;
    if (!subject) throw errors.badParameter('The policy must have x509_props.subject.');
    const material = createSelfSigned({
      subject,
      dnsNames: policy.x509_props?.sans?.dns_names ?? [],
      validityMonths: policy.x509_props!.validity_months!,
      keySize: policy.key_props!.key_size!,
      nowMs: vault.clock.now(),
    });
    const record = storeRequestedVersion(vault, name, body, { material, policy, fromCreate: true });
    return {
      status: 202,
      body: certificateOperation(
        vault,
        record,
        'inProgress',
        csrOf(material.privateKeyPem!, subject),
      ),
    };
  },
};

function csrOf(privateKeyPem: string, subject: string): string {
  const key = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([{ shortName: 'CN', value: subject.replace(/^CN=/i, '').split(',')[0]! }]);
  csr.sign(key, forge.md.sha256.create());
  return forge.util.encode64(
    forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes(),
  );
}

const getPending: VaultOperation = {
  method: 'GET',
  path: '/certificates/:name/pending',
  dataAction: 'certificates/read',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    const latest = vault.store.certificates.versions(name)?.at(-1);
    if (!latest?.operation) {
      throw new ServiceError({
        statusCode: 404,
        code: 'PendingCertificateNotFound',
        message: `Pending certificate not found: ${name}`,
      });
    }
    return { status: 200, body: certificateOperation(vault, latest, 'completed', undefined) };
  },
};

const { get: getCertificate, getLatest: getLatestCertificate } = getOperations(
  certificateKind,
  (vault, record) => ({ status: 200, body: certificateBundle(vault, record) }),
);

const updateCertificate = updateOperation(
  certificateKind,
  (vault, { record, body, attributes }) => {
    const now = vault.clock.now();
    const enabled = attributes.enabled ?? record.attributes.enabled;
    const updated: CertificateRecord = {
      ...record,
      tags: 'tags' in body ? validateTags(body['tags']) : record.tags,
      attributes: { ...record.attributes, enabled, updatedMs: now },
      policy: body['policy'] ? normalisePolicy(body['policy'], record.policy) : record.policy,
    };
    vault.store.certificates.replaceVersion(updated);
    // The backing key and secret follow the certificate's enabled state.
    followEnabled(vault.store.secrets, record, enabled, now);
    followEnabled(vault.store.keys, record, enabled, now);
    return { status: 200, body: certificateBundle(vault, updated) };
  },
);

/** Sets `enabled` on the version of `family` that backs the certificate version `record`. */
function followEnabled<T extends SecretRecord | KeyRecord>(
  family: ObjectFamilyStore<T>,
  record: CertificateRecord,
  enabled: boolean,
  now: number,
): void {
  const backing = family.versions(record.name)?.find((v) => v.version === record.version);
  if (backing)
    family.replaceVersion({
      ...backing,
      attributes: { ...backing.attributes, enabled, updatedMs: now },
    });
}

const getPolicy: VaultOperation = {
  method: 'GET',
  path: '/certificates/:name/policy',
  dataAction: 'certificates/read',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    return {
      status: 200,
      body: renderPolicy(vault, liveVersions(certificateKind, vault, name).at(-1)!),
    };
  },
};

const updatePolicy: VaultOperation = {
  method: 'PATCH',
  path: '/certificates/:name/policy',
  dataAction: 'certificates/update/action',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    const latest = liveVersions(certificateKind, vault, name).at(-1)!;
    const updated: CertificateRecord = {
      ...latest,
      policy: normalisePolicy(request.body, latest.policy),
    };
    vault.store.certificates.replaceVersion(updated);
    return { status: 200, body: renderPolicy(vault, updated) };
  },
};

const { list: listCertificates, listVersions: listCertificateVersions } =
  listOperations(certificateKind);
const {
  remove: deleteCertificate,
  getDeleted: getDeletedCertificate,
  listDeleted: listDeletedCertificates,
  recover: recoverCertificate,
  purge: purgeCertificate,
} = lifecycleOperations(certificateKind);

/** The certificates rows of the data-plane operation table. */
export const certificateOperations: readonly VaultOperation[] = [
  importCertificate,
  createCertificate,
  getPending,
  listCertificates,
  listCertificateVersions,
  getPolicy,
  updatePolicy,
  getCertificate,
  getLatestCertificate,
  updateCertificate,
  deleteCertificate,
  listDeletedCertificates,
  getDeletedCertificate,
  recoverCertificate,
  purgeCertificate,
];
