import type { TokenCredential } from '@azure/core-auth';
import { ContainerClient } from '@azure/storage-blob';

/** Where the lease blob lives: a container by URL with a credential, or by connection string. */
export type BlobLeaseLocation =
  | { readonly blobContainerUrl: string; readonly credential: TokenCredential }
  | { readonly connectionString: string; readonly containerName: string };

/** The container client for a lease location (the same two forms as the Event Hubs checkpoints). */
export function leaseContainerClient(location: BlobLeaseLocation): ContainerClient {
  return 'connectionString' in location
    ? new ContainerClient(location.connectionString, location.containerName)
    : new ContainerClient(location.blobContainerUrl, location.credential);
}
