import type { QueueClient } from '@azure/storage-queue';
import pLimit from 'p-limit';
import type { NudgeJob, NudgeQueue, ReceivedJob } from '../../ports/nudgeQueue';
import { hasStatus, storageDeadline, type AzureStorageAccount } from './azureStorageAccount';

/** Queue Storage counts visibility in whole seconds, up to 7 days; a receive hides for at least 1 s. */
const MAX_SECONDS = 7 * 24 * 60 * 60;
/** Queue Storage hands out at most 32 messages per receive. */
const MAX_RECEIVE = 32;
const PARALLEL = 16;
/** How long a sweep hides what it has looked at (it gives them back as soon as it ends). */
const SWEEP_VISIBILITY_MS = 60_000;

function seconds(ms: number, min: number): number {
  return Math.min(MAX_SECONDS, Math.max(min, Math.ceil(ms / 1000)));
}

/** A stale pop receipt (400 PopReceiptMismatch) or a message already gone (404). */
function isStale(error: unknown): boolean {
  return hasStatus(error, 400) || hasStatus(error, 404);
}

/**
 * The nudge queue on Azure Queue Storage, which has the semantics the port was shaped after: receives hide
 * messages for a visibility timeout, every receive gives a new pop receipt, and delete/update need the
 * latest one. Times are whole seconds here (rounded up), so a backend-neutral caller keeps its delays coarse.
 */
export class AzureNudgeQueue implements NudgeQueue {
  private constructor(private readonly client: QueueClient) {}

  static async open(account: AzureStorageAccount, name = 'nudges'): Promise<AzureNudgeQueue> {
    const client = account.queue(name);
    await client.createIfNotExists({ abortSignal: storageDeadline() });
    return new AzureNudgeQueue(client);
  }

  async enqueue(jobs: NudgeJob[], options: { delayMs?: number } = {}): Promise<void> {
    // One request per message: Queue Storage has no batch send.
    const visibilityTimeout = options.delayMs ? seconds(options.delayMs, 0) : undefined;
    const limit = pLimit(PARALLEL);
    await Promise.all(
      jobs.map((job) =>
        limit(() =>
          this.client.sendMessage(JSON.stringify(job), {
            visibilityTimeout,
            // Messages live until the campaign is over (-1: never expire; the default is 7 days).
            messageTimeToLive: -1,
            abortSignal: storageDeadline(),
          }),
        ),
      ),
    );
  }

  async receive(max: number, visibilityTimeoutMs: number): Promise<ReceivedJob[]> {
    const response = await this.client.receiveMessages({
      numberOfMessages: Math.min(MAX_RECEIVE, Math.max(1, max)),
      visibilityTimeout: seconds(visibilityTimeoutMs, 1),
      abortSignal: storageDeadline(),
    });
    return response.receivedMessageItems.map((m) => ({
      messageId: m.messageId,
      popReceipt: m.popReceipt,
      dequeueCount: m.dequeueCount,
      job: JSON.parse(m.messageText) as NudgeJob,
    }));
  }

  async delete(messageId: string, popReceipt: string): Promise<boolean> {
    try {
      await this.client.deleteMessage(messageId, popReceipt, { abortSignal: storageDeadline() });
      return true;
    } catch (error) {
      if (isStale(error)) return false;
      throw error;
    }
  }

  async defer(
    messageId: string,
    popReceipt: string,
    visibilityTimeoutMs: number,
  ): Promise<string | undefined> {
    try {
      // No new text: only the visibility changes.
      const updated = await this.client.updateMessage(
        messageId,
        popReceipt,
        undefined,
        seconds(visibilityTimeoutMs, 0),
        { abortSignal: storageDeadline() },
      );
      return updated.popReceipt;
    } catch (error) {
      if (isStale(error)) return undefined;
      throw error;
    }
  }

  async approximateCount(): Promise<number> {
    const properties = await this.client.getProperties({ abortSignal: storageDeadline() });
    return properties.approximateMessagesCount ?? 0;
  }

  /**
   * Receives every visible message (hidden for the sweep), deletes the matching ones and makes the others
   * visible again at once. Workers wait for the sweep's few seconds; a message seen twice ends it (the sweep
   * has gone round). Delayed messages are not visible to it (see the port).
   */
  async eraseWhere(match: (job: NudgeJob) => boolean): Promise<number> {
    const seen = new Set<string>();
    const others: { messageId: string; popReceipt: string }[] = [];
    let erased = 0;
    try {
      for (;;) {
        const batch = await this.receive(MAX_RECEIVE, SWEEP_VISIBILITY_MS);
        const fresh = batch.filter((m) => !seen.has(m.messageId));
        for (const m of batch) seen.add(m.messageId);
        for (const m of fresh) {
          if (match(m.job)) {
            if (await this.delete(m.messageId, m.popReceipt)) erased++;
          } else others.push(m);
        }
        if (batch.length === 0 || fresh.length < batch.length) break;
      }
    } finally {
      const limit = pLimit(PARALLEL);
      await Promise.all(others.map((m) => limit(() => this.defer(m.messageId, m.popReceipt, 0))));
    }
    return erased;
  }
}
