import { createHash } from 'node:crypto';
import { RestError, type ContainerClient } from '@azure/storage-blob';
import type { LeaseStore } from '../lease-store';

/**
 * A blob lease lasts 15 to 60 seconds (or forever, which a dead holder would never give back).
 * https://learn.microsoft.com/rest/api/storageservices/lease-blob — `x-ms-lease-duration`.
 */
export const BLOB_LEASE_MIN_SECONDS = 15;
export const BLOB_LEASE_MAX_SECONDS = 60;
/** Blob metadata key naming the holder (metadata names are C# identifiers). */
const HOLDER_METADATA = 'holder';

export interface BlobLeaseStoreOptions {
  /** The blob whose lease is the leadership, created empty when absent. */
  readonly blobName: string;
}

/**
 * A lease as an Azure Storage blob lease, for deployments with neither Kubernetes nor NATS
 * (Service Bus + Container Apps): the candidate acquires the blob's lease with a lease id derived
 * from its identity and renews it every renew period; Azure Storage expires it on its own clock
 * when the holder stops renewing, and refuses every other id until then (409
 * LeaseAlreadyPresent). The holder writes its identity into the blob's metadata under its lease,
 * so a follower can name it.
 */
export class BlobLeaseStore implements LeaseStore {
  #held = false;
  #observed: string | undefined;
  #blobReady: Promise<void> | undefined;

  constructor(
    private readonly container: ContainerClient,
    private readonly options: BlobLeaseStoreOptions,
  ) {}

  get observedHolder(): string | undefined {
    return this.#observed;
  }

  async tryAcquire(identity: string, leaseMs: number): Promise<boolean> {
    this.#observed = undefined;
    const seconds = leaseSecondsOf(leaseMs);
    await this.#ensureBlob();
    const blob = this.container.getBlobClient(this.options.blobName);
    const lease = blob.getBlobLeaseClient(leaseIdOf(identity));
    if (this.#held) {
      try {
        // Renewal also succeeds after an expiry nobody used (Lease Blob: renew).
        await lease.renewLease();
        this.#observed = identity;
        return true;
      } catch (error) {
        this.#held = false;
        throw error;
      }
    }
    try {
      await lease.acquireLease(seconds);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      // LeaseAlreadyPresent: another candidate's lease is running.
      const properties = await blob.getProperties();
      this.#observed = properties.metadata?.[HOLDER_METADATA];
      return false;
    }
    this.#held = true;
    await blob.setMetadata(
      { [HOLDER_METADATA]: identity },
      { conditions: { leaseId: lease.leaseId } },
    );
    this.#observed = identity;
    return true;
  }

  async release(identity: string): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    const blob = this.container.getBlobClient(this.options.blobName);
    // With this identity's lease id only: a successor's lease is never released.
    await blob.getBlobLeaseClient(leaseIdOf(identity)).releaseLease();
  }

  #ensureBlob(): Promise<void> {
    this.#blobReady ??= this.#createBlob().catch((error: unknown) => {
      this.#blobReady = undefined;
      throw error;
    });
    return this.#blobReady;
  }

  async #createBlob(): Promise<void> {
    await this.container.createIfNotExists();
    try {
      await this.container
        .getBlockBlobClient(this.options.blobName)
        .upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      // 409 BlobAlreadyExists (or 412 on a leased one): another candidate made it first.
      if (!(error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412)))
        throw error;
    }
  }
}

function leaseSecondsOf(leaseMs: number): number {
  const seconds = leaseMs / 1000;
  if (
    !Number.isInteger(seconds) ||
    seconds < BLOB_LEASE_MIN_SECONDS ||
    seconds > BLOB_LEASE_MAX_SECONDS
  )
    throw new RangeError(
      `a blob lease lasts ${BLOB_LEASE_MIN_SECONDS} to ${BLOB_LEASE_MAX_SECONDS} whole seconds, not ${seconds}`,
    );
  return seconds;
}

/** Azure takes a proposed lease id only in GUID form: the identity's digest, shaped as one. */
export function leaseIdOf(identity: string): string {
  const hex = createHash('sha256').update(identity).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
