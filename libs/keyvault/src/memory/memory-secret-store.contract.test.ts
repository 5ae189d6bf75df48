import { runSecretStoreContract } from '../testing/index';
import { MemorySecretStore } from './memory-secret-store';

runSecretStoreContract('memory', async () => {
  const store = new MemorySecretStore('kv-contract');
  return { store, purge: async (name) => store.purge(name) };
});

// Delete, recover and purge take time as in Key Vault: the same contract must hold.
runSecretStoreContract('memory, asynchronous delete/recover/purge', async () => {
  const store = new MemorySecretStore('kv-contract', { lifecycleDelayMs: 60 });
  return { store, purge: async (name) => store.purge(name) };
});
