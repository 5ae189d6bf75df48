// The lease as an Azure Storage blob lease (loads @azure/storage-blob only for `kind: azure-blob`).
export {
  BLOB_LEASE_MAX_SECONDS,
  BLOB_LEASE_MIN_SECONDS,
  BlobLeaseStore,
  leaseIdOf,
} from './blob-lease-store';
export type { BlobLeaseStoreOptions } from './blob-lease-store';
export { leaseContainerClient } from './lease-container';
export type { BlobLeaseLocation } from './lease-container';
/** The credential type a container URL needs (type only: nothing is loaded). */
export type { TokenCredential } from '@azure/core-auth';
