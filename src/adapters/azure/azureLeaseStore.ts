import crypto from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { LeaseStore } from '../../ports/leases';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';

/** Blob leases last 15 to 60 seconds (or forever, which a crashed holder would never give back). */
function leaseSeconds(durationMs: number): number {
  return Math.min(60, Math.max(15, Math.ceil(durationMs / 1000)));
}

/**
 * Leases as Azure blob leases: one empty blob per lease name, leased by whoever plans. The service keeps
 * the time, so instances with drifting clocks still agree; a holder that dies stops renewing and the
 * lease frees itself after at most 60 s. Durations are rounded into the 15–60 s that blob leases allow.
 */
export class AzureLeaseStore implements LeaseStore {
  private constructor(private readonly container: ContainerClient) {}

  static async open(account: AzureStorageAccount): Promise<AzureLeaseStore> {
    const container = account.container('leases');
    await container.createIfNotExists({ abortSignal: storageDeadline() });
    return new AzureLeaseStore(container);
  }

  private blob(name: string) {
    return this.container.getBlockBlobClient(encodeURIComponent(name));
  }

  async acquire(name: string, _holder: string, durationMs: number): Promise<string | undefined> {
    const blob = this.blob(name);
    try {
      // Create the blob once; 409 (exists) or 412 (exists and leased) both mean it is there already.
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' }, abortSignal: storageDeadline() });
    } catch (error) {
      if (!hasStatus(error, 409) && !hasStatus(error, 412)) throw error;
    }
    const leaseId = crypto.randomUUID();
    try {
      await blob
        .getBlobLeaseClient(leaseId)
        .acquireLease(leaseSeconds(durationMs), { abortSignal: storageDeadline() });
      return leaseId;
    } catch (error) {
      // 409 LeaseAlreadyPresent: someone else holds it.
      if (hasStatus(error, 409)) return undefined;
      throw error;
    }
  }

  async renew(name: string, leaseId: string, _durationMs: number): Promise<boolean> {
    // A blob lease renews for the duration it was acquired with.
    try {
      await this.blob(name).getBlobLeaseClient(leaseId).renewLease({ abortSignal: storageDeadline() });
      return true;
    } catch (error) {
      // 409: the lease id no longer matches (it expired and someone else took it).
      if (hasStatus(error, 409) || hasStatus(error, 404)) return false;
      throw error;
    }
  }

  async release(name: string, leaseId: string): Promise<void> {
    try {
      await this.blob(name).getBlobLeaseClient(leaseId).releaseLease({ abortSignal: storageDeadline() });
    } catch (error) {
      // Already lost or gone: there is nothing left to give back.
      if (!hasStatus(error, 409) && !hasStatus(error, 404)) throw error;
    }
  }
}
