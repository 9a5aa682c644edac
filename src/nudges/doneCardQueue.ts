/**
 * Queuing the change of reminders already in a registered member's chat into their status card ("You're all
 * set"): by the planning pass for everyone it finds registered, and at once for a member whose own "I've done
 * it" check found them registered. Each row is marked `queued` first by a conditional write (a row that changed
 * meanwhile is left for the next pass), so that neither queues it again while it waits; a crash between the
 * mark and the message leaves the mark to age out (`cardsToChange`).
 */
import pLimit from 'p-limit';
import { cardsToShowDone } from '../domain/campaign/doneCards';
import type { LedgerEntry } from '../ports/nudgeLedger';
import type { NudgeJob } from '../ports/nudgeQueue';
import { ConcurrencyError } from '../ports/versioned';
import type { CampaignDeps } from './campaignContext';

/** Ledger writes at once. */
const WRITES_AT_ONCE = 16;

/**
 * The rows of a registered member's history whose reminders still need changing (`cardsToShowDone`), a change
 * queued twice the visibility timeout ago and still not done counting again (its message was lost, or it failed).
 */
export function cardsToChange(
  history: LedgerEntry[],
  now: Date,
  delivery: CampaignDeps['delivery'],
): LedgerEntry[] {
  return cardsToShowDone(history, now, 2 * delivery.visibilityTimeoutMs);
}

/** Marks and queues the change of each row's card; returns how many were queued. */
export async function queueDoneCards(
  deps: Pick<CampaignDeps, 'ledger' | 'queue'>,
  rows: LedgerEntry[],
  now: Date,
): Promise<number> {
  const limit = pLimit(WRITES_AT_ONCE);
  const marked = await Promise.all(
    rows.map((row) =>
      limit(async () => {
        try {
          await deps.ledger.update(row, row.etag, {
            doneCard: 'queued',
            doneCardAt: now.toISOString(),
            updatedAt: row.updatedAt,
          });
          return true;
        } catch (error) {
          if (error instanceof ConcurrencyError) return false;
          throw error;
        }
      }),
    ),
  );
  const jobs: NudgeJob[] = rows
    .filter((_, i) => marked[i])
    .map((row) => ({ campaignId: row.campaignId, userId: row.userId, nudge: row.nudge, show: 'done' }));
  if (jobs.length > 0) await deps.queue.enqueue(jobs);
  return jobs.length;
}
