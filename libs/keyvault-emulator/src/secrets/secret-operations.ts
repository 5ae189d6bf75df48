import { errors } from '../errors';
import type { VaultOperation } from '../http/operation';
import { assertNotInTransition } from '../lifecycle/lifecycle-conflicts';
import { bodyOf, liveVersions } from '../objects/object-kind';
import {
  getOperations,
  lifecycleOperations,
  listOperations,
  updateOperation,
} from '../objects/object-operations';
import type { SecretRecord } from '../storage/vault-store';
import { newObjectVersion, type VaultContext } from '../vault-context';
import { decodeBackup, encodeBackup } from './secret-backup';
import { secretKind } from './secret-kind';
import { secretBundle } from './secret-render';
import {
  validateAttributes,
  validateContentType,
  validateObjectName,
  validateSecretValue,
  validateTags,
} from './secret-validation';

const secondsToMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : seconds * 1000;

/** Stores a new secret version and publishes SecretNewVersionCreated; shared with certificates. */
export function addSecretVersion(vault: VaultContext, record: SecretRecord): void {
  vault.store.secrets.addVersion(record);
  vault.events.newVersion(vault, {
    objectType: 'Secret',
    id: `${vault.origin}/secrets/${record.name}/${record.version}`,
    name: record.name,
    version: record.version,
    notBeforeMs: record.attributes.notBeforeMs,
    expiresMs: record.attributes.expiresMs,
  });
}

const setSecret: VaultOperation = {
  method: 'PUT',
  path: '/secrets/:name',
  dataAction: 'secrets/setSecret/action',
  throttleClass: 'secretCreate',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    const body = bodyOf(request);
    const value = validateSecretValue(body['value']);
    const contentType = validateContentType(body['contentType']);
    const tags = validateTags(body['tags']);
    const attributes = validateAttributes(body['attributes']);
    assertNotInTransition(vault.store.secrets, 'secret', name, 'create');
    if (vault.store.secrets.deleted(name)) throw errors.deletedButRecoverable('secret', name);
    if (vault.store.certificates.versions(name)) throw errors.managedByCertificate(name, 'set');
    const existing = vault.store.secrets.versions(name);
    const now = vault.clock.now();
    const record: SecretRecord = {
      name: existing?.[0]?.name ?? name,
      version: newObjectVersion(),
      createdMs: now,
      value,
      contentType,
      tags,
      attributes: {
        enabled: attributes.enabled ?? true,
        notBeforeMs: secondsToMs(attributes.nbf),
        expiresMs: secondsToMs(attributes.exp),
        updatedMs: now,
      },
    };
    addSecretVersion(vault, record);
    return { status: 200, body: secretBundle(vault, record, true) };
  },
};

const { get: getSecret, getLatest: getLatestSecret } = getOperations(
  secretKind,
  (vault, record) => {
    if (!record.attributes.enabled) throw errors.disabled('secret', 'get');
    return { status: 200, body: secretBundle(vault, record, true) };
  },
);

const updateSecret = updateOperation(secretKind, (vault, { record, body, attributes }) => {
  const updated: SecretRecord = {
    ...record,
    contentType:
      'contentType' in body ? validateContentType(body['contentType']) : record.contentType,
    tags: 'tags' in body ? validateTags(body['tags']) : record.tags,
    attributes: {
      enabled: attributes.enabled ?? record.attributes.enabled,
      notBeforeMs:
        attributes.nbf === undefined ? record.attributes.notBeforeMs : attributes.nbf * 1000,
      expiresMs: attributes.exp === undefined ? record.attributes.expiresMs : attributes.exp * 1000,
      updatedMs: vault.clock.now(),
    },
  };
  vault.store.secrets.replaceVersion(updated);
  // Key Vault publishes nothing for attribute/tag updates.
  return { status: 200, body: secretBundle(vault, updated, false) };
});

const { list: listSecrets, listVersions: listSecretVersions } = listOperations(secretKind);
const {
  remove: deleteSecret,
  getDeleted: getDeletedSecret,
  listDeleted: listDeletedSecrets,
  recover: recoverSecret,
  purge: purgeSecret,
} = lifecycleOperations(secretKind);

const backupSecret: VaultOperation = {
  method: 'POST',
  path: '/secrets/:name/backup',
  dataAction: 'secrets/backup/action',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    return { status: 200, body: { value: encodeBackup(liveVersions(secretKind, vault, name)) } };
  },
};

const restoreSecret: VaultOperation = {
  method: 'POST',
  path: '/secrets/restore',
  dataAction: 'secrets/restore/action',
  handle(vault, request) {
    const versions = decodeBackup(bodyOf(request)['value']);
    const name = versions[0]!.name;
    assertNotInTransition(vault.store.secrets, 'secret', name, 'create');
    if (vault.store.secrets.deleted(name)) throw errors.deletedButRecoverable('secret', name);
    if (vault.store.secrets.versions(name)) throw errors.alreadyExists('secret', name);
    vault.store.secrets.restore(name, versions);
    return { status: 200, body: secretBundle(vault, versions.at(-1)!, false) };
  },
};

/** The secrets rows of the data-plane operation table. */
export const secretOperations: readonly VaultOperation[] = [
  setSecret,
  listSecrets,
  listSecretVersions,
  backupSecret,
  restoreSecret,
  getSecret,
  getLatestSecret,
  updateSecret,
  deleteSecret,
  listDeletedSecrets,
  getDeletedSecret,
  recoverSecret,
  purgeSecret,
];
