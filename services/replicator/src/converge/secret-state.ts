import {
  isVaultError,
  type SecretStore,
  type SecretVersionInfo,
  type SecretWithValue,
} from '@akv-replicator/keyvault';

/** A secret as a worker sees it: absent, present (with value), or disabled (no value readable). */
export type SecretState =
  | { kind: 'missing' }
  | { kind: 'enabled'; secret: SecretWithValue }
  | { kind: 'disabled'; properties: SecretVersionInfo };

/**
 * Reads the current state of a secret: one `get` in the common case; a disabled secret (403)
 * costs a versions listing to learn its properties.
 */
export async function readSecretState(store: SecretStore, name: string): Promise<SecretState> {
  try {
    return { kind: 'enabled', secret: await store.getSecret(name) };
  } catch (error) {
    if (isVaultError(error, 'not-found')) return { kind: 'missing' };
    if (!isVaultError(error, 'disabled')) throw error;
  }
  try {
    return { kind: 'disabled', properties: await store.getLatestProperties(name) };
  } catch (error) {
    if (isVaultError(error, 'not-found')) return { kind: 'missing' };
    throw error;
  }
}

export function propertiesOf(state: SecretState): SecretVersionInfo | undefined {
  if (state.kind === 'enabled') {
    const { value: _value, ...properties } = state.secret;
    return properties;
  }
  return state.kind === 'disabled' ? state.properties : undefined;
}
