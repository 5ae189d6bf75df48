import { errors } from '../errors';
import type { VaultOperation } from '../http/operation';
import { wireAttributes } from '../http/wire-attributes';
import { validateObjectName } from '../secrets/secret-validation';

/**
 * Read access to keys. The emulator has no key API of its own (the project replicates
 * secrets and certificates); keys exist as the backing keys of certificates.
 */
const getKey: VaultOperation = {
  method: 'GET',
  path: '/keys/:name/:version',
  dataAction: 'keys/read',
  handle(vault, request) {
    const name = validateObjectName(request.params['name']);
    const version = request.params['version'] || undefined;
    const versions = vault.store.keys.versions(name);
    const record = version
      ? versions?.find((v) => v.version === version.toLowerCase())
      : versions?.at(-1);
    if (!record) throw errors.objectNotFound('key', name, version);
    return {
      status: 200,
      body: {
        key: {
          kid: `${vault.origin}/keys/${record.name}/${record.version}`,
          key_ops: record.keyOps,
          ...record.publicJwk,
        },
        attributes: {
          ...wireAttributes(record, vault.recoverableDays),
          exportable: record.exportable ?? false,
        },
        ...(record.tags === undefined ? {} : { tags: record.tags }),
        ...(record.managed ? { managed: true } : {}),
      },
    };
  },
};

export const keyOperations: readonly VaultOperation[] = [getKey];
