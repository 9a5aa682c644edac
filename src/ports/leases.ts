/**
 * Named leases with a time limit: only one holder at a time, taken over when the holder stops renewing (a
 * crashed process). The campaign planner holds one so that two bot instances never plan at once. Shaped like
 * an Azure blob lease (acquire for 15–60 s, renew with the lease id, release).
 */
export interface LeaseStore {
  /** Takes the lease for `durationMs` if it is free or expired; returns a lease id, else undefined. */
  acquire(name: string, holder: string, durationMs: number): Promise<string | undefined>;
  /** Extends a lease still held under `leaseId`; false if it was lost (expired and taken). */
  renew(name: string, leaseId: string, durationMs: number): Promise<boolean>;
  release(name: string, leaseId: string): Promise<void>;
}
