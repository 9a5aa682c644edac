/**
 * What the planner, the worker and the snooze service share: the campaign, its stores, and the few settings
 * that shape delivery. Built once in the composition root (src/app.ts) or the command line (src/cli/nudge.ts).
 */
import type { Campaign } from '../domain/campaign/campaignTime';
import type { Catalogues } from '../i18n/catalogue';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import type { Logger } from '../logging/logger';
import type { AppInstaller } from '../ports/appInstaller';
import type { Clock } from '../ports/clock';
import type { ConversationReferenceStore } from '../ports/conversationReferenceStore';
import type { Directory } from '../ports/directory';
import type { Messenger } from '../ports/messenger';
import type { NudgeLedger, UserMarkerPrefix } from '../ports/nudgeLedger';
import type { NudgeQueue } from '../ports/nudgeQueue';
import type { LeaseStore } from '../ports/leases';
import type { UserProgressStore } from '../ports/userProgressStore';
import type { SendBudget } from '../sending/sendBudget';
import type { RegistrationStatusService } from '../status/registrationStatusService';

export interface DeliverySettings {
  /** Proactive sends started per second, for the whole app (Teams allows 50 per app per tenant). */
  sendsPerSecond: number;
  /** App installs started per second (Graph allows about 30 POSTs per second). */
  installsPerSecond: number;
  /** Sends in flight at once. */
  concurrency: number;
  /** How long a received message stays hidden; longer than a send can take. */
  visibilityTimeoutMs: number;
  /** Real failures (5xx, timeouts) of one nudge before it is recorded as failed; waits do not count. */
  maxDeliveries: number;
  /** How long to wait for Teams to tell the bot about an install before sending to the chat id directly. */
  installWaitMs: number;
  /** The report is re-read when older than this before sends (registered users must not be nagged). */
  recheckMs: number;
  /**
   * The planner lease's duration (renewed every third of it). A planner that dies keeps it until it runs out,
   * so this is how long another instance waits to take over its pass (blob leases allow 15–60 s).
   */
  plannerLeaseMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  sendsPerSecond: 49,
  installsPerSecond: 20,
  concurrency: 16,
  visibilityTimeoutMs: 60_000,
  maxDeliveries: 6,
  installWaitMs: 30_000,
  recheckMs: 15 * 60_000,
  plannerLeaseMs: 60_000,
};

export interface CampaignDeps {
  campaign: Campaign;
  policy: SchoolPolicy;
  directory: Directory;
  status: RegistrationStatusService;
  ledger: NudgeLedger;
  queue: NudgeQueue;
  leases: LeaseStore;
  references: ConversationReferenceStore;
  progress: UserProgressStore;
  messenger: Messenger;
  /** Absent: users without a conversation are recorded as not installable (`notConfigured`). */
  installer?: AppInstaller;
  clock: Clock;
  log: Logger;
  delivery: DeliverySettings;
  /** The app's send budget, shared with the bot's replies; absent: the worker keeps one of its own. */
  sendBudget?: SendBudget;
  /** The languages nudges are written in (default: the package's `locales/`). */
  catalogues?: Catalogues;
}

const REGISTERED: UserMarkerPrefix = 'registered:';
const EMAIL_CHECKED: UserMarkerPrefix = 'emailChecked:';

/** Marker name under which a user's live "done" check is remembered for the campaign. */
export function registeredMarker(userId: string): string {
  return `${REGISTERED}${userId}`;
}

/** Marker name under which what a live look found about a user's email is remembered for the campaign. */
export function emailCheckedMarker(userId: string): string {
  return `${EMAIL_CHECKED}${userId}`;
}
