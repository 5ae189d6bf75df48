import { runCertificateStoreContract } from '../testing/index';
import { MemoryCertificateStore } from './memory-certificate-store';

runCertificateStoreContract('memory', async () => {
  const store = new MemoryCertificateStore('kv-contract');
  return { store, purge: async (name) => store.purge(name) };
});

runCertificateStoreContract('memory, asynchronous delete/recover/purge', async () => {
  const store = new MemoryCertificateStore('kv-contract', { lifecycleDelayMs: 60 });
  return { store, purge: async (name) => store.purge(name) };
});
