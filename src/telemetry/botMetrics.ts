/**
 * The bot's own metrics, on OpenTelemetry: meter `mfa-buddy`, instrument names under `mfa_buddy.`. They leave
 * the tenant (to Application Insights) and are kept for months, so every attribute takes a few fixed values:
 * activity kinds, verbs from the verb list, outcomes, Graph endpoint families, HTTP statuses. Never a user id,
 * a name, a UPN or typed text.
 *
 * Recorded through the MeterProvider the app is given: by default the @opentelemetry/api global one, the one
 * global the bot uses (a no-op until telemetry.ts starts Azure Monitor), or a test's own.
 */
import {
  metrics,
  type Attributes,
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Observable,
} from '@opentelemetry/api';
import { VERB_NAMES } from '../features/verbs';
import type { DeliveryState } from '../ports/escalationStore';
import type { SendKind } from '../domain/sending/sendTickets';
import type { SendOutcome } from '../ports/messenger';
import type { SendWaitMetrics } from '../sending/sendBudget';

export const METER_NAME = 'mfa-buddy';

/** Every instrument's name, as Application Insights shows it under customMetrics. */
export const METRIC = {
  turnDuration: 'mfa_buddy.turn.duration',
  sendWait: 'mfa_buddy.send.wait',
  proactiveSends: 'mfa_buddy.proactive.sends',
  graphRequests: 'mfa_buddy.graph.requests',
  graphThrottled: 'mfa_buddy.graph.throttled',
  nudgeQueueDepth: 'mfa_buddy.nudge.queue.depth',
  escalations: 'mfa_buddy.escalations',
} as const;

/** How a turn ended: answered, failed inside the bot (the user got the apology), or refused before the bot. */
export type TurnOutcome = 'ok' | 'failed' | 'rejected';

/** What the Teams endpoint records for each request. */
export interface TurnMetrics {
  turn(activity: { type?: unknown; value?: unknown } | undefined, outcome: TurnOutcome, ms: number): void;
}

/** What the Messenger records for each proactive request: a new message, or the change of one in the chat. */
export interface SendMetrics {
  send(outcome: SendOutcome, message?: 'new' | 'update'): void;
}

/** What the Graph requester records for each attempt: the endpoint as requested, and the status (0: none). */
export interface GraphMetrics {
  graphAttempt(endpoint: string, status: number): void;
}

/** The gauges' sources, read each time the metrics are collected (every export interval), not per change. */
export interface GaugeSources {
  nudgeQueueDepth?: () => Promise<number>;
  escalationsByState?: () => Promise<Record<DeliveryState, number>>;
}

const ACTIVITY_KINDS = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
  'messageUpdate',
  'messageDelete',
  'event',
  'typing',
]);
const VERBS: ReadonlySet<string> = new Set(VERB_NAMES);
/** Longest a gauge's source may take before the sample is skipped (storage down must not stall an export). */
const GAUGE_SOURCE_TIMEOUT_MS = 5000;

/** The verb a card action carried, if it is one of ours: anything else is `other` (the client writes it). */
export function verbOf(activity: { type?: unknown; value?: unknown }): string {
  const value = activity.value as { verb?: unknown; action?: { verb?: unknown; data?: unknown } } | undefined;
  if (value === undefined || value === null || typeof value !== 'object') return 'none';
  const data = value.action?.data as { verb?: unknown } | undefined;
  const verb = activity.type === 'invoke' ? (data?.verb ?? value.action?.verb) : value.verb;
  return typeof verb === 'string' && VERBS.has(verb) ? verb : 'other';
}

/**
 * The family of a Graph endpoint (a path below /v1.0, or a nextLink): which throttling bucket and which
 * permission it belongs to, without the ids in it.
 */
export function graphEndpointFamily(endpoint: string): string {
  const path = endpoint
    .replace(/^https:\/\/[^/]+/, '')
    .replace(/^\/v1\.0/, '')
    .replace(/\?.*$/, '');
  if (path.startsWith('/reports/authenticationMethods/')) return 'registrationReport';
  if (/^\/users\/[^/]+\/authentication\//.test(path)) return 'authenticationMethods';
  if (/^\/users\/[^/]+\/teamwork\//.test(path)) return 'installedApps';
  if (/^\/users\/[^/]+\/checkMemberGroups$/.test(path)) return 'memberOf';
  if (/^\/users\/[^/]+\/sendMail$/.test(path)) return 'sendMail';
  if (/^\/groups\/[^/]+\/transitiveMembers/.test(path)) return 'groupMembers';
  if (path.startsWith('/appCatalogs/')) return 'appCatalog';
  if (/^\/users(\/[^/]+|\('[^/]*'\))?$/.test(path)) return 'users';
  return 'other';
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('gauge source timed out')), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export class BotMetrics implements TurnMetrics, SendMetrics, GraphMetrics, SendWaitMetrics {
  private readonly turnDuration: Histogram;
  private readonly sendWaits: Histogram;
  private readonly sends: Counter;
  private readonly graphRequests: Counter;
  private readonly graphThrottled: Counter;
  private readonly queueDepth: Observable;
  private readonly escalations: Observable;
  private readonly meter: Meter;
  private observer?: (result: BatchObservableResult) => Promise<void>;

  constructor(provider: MeterProvider = metrics.getMeterProvider()) {
    const meter = provider.getMeter(METER_NAME);
    this.meter = meter;
    this.turnDuration = meter.createHistogram(METRIC.turnDuration, {
      description: 'Time to answer a request on /api/messages, by activity kind, card verb and outcome',
      unit: 'ms',
    });
    this.sendWaits = meter.createHistogram(METRIC.sendWait, {
      description:
        "Time a request to Teams waited for the app's send budget, by kind (reply, followUp, campaign); part 'held' is the budget's own hold, 'waited' the whole wait",
      unit: 'ms',
    });
    this.sends = meter.createCounter(METRIC.proactiveSends, {
      description:
        'Proactive messages (nudges, follow-ups, notices) and changes of earlier ones, by outcome and message (new, update)',
    });
    this.graphRequests = meter.createCounter(METRIC.graphRequests, {
      description:
        'Microsoft Graph requests (each attempt) by endpoint family and HTTP status (0: no answer)',
    });
    this.graphThrottled = meter.createCounter(METRIC.graphThrottled, {
      description: 'Microsoft Graph answers 429 (throttled) by endpoint family',
    });
    this.queueDepth = meter.createObservableGauge(METRIC.nudgeQueueDepth, {
      description: 'Nudges waiting in the send queue (approximate), sampled at each collection',
    });
    this.escalations = meter.createObservableGauge(METRIC.escalations, {
      description:
        'Escalations kept (within the retention period) by delivery state, sampled at each collection',
    });
  }

  turn(activity: { type?: unknown; value?: unknown } | undefined, outcome: TurnOutcome, ms: number): void {
    const type = activity?.type;
    const attributes: Attributes = {
      activity: typeof type === 'string' && ACTIVITY_KINDS.has(type) ? type : activity ? 'other' : 'none',
      verb: activity ? verbOf(activity) : 'none',
      outcome,
    };
    this.turnDuration.record(ms, attributes);
  }

  sendWait(kind: SendKind, waitedMs: number, heldMs: number): void {
    this.sendWaits.record(waitedMs, { kind, part: 'waited' });
    this.sendWaits.record(heldMs, { kind, part: 'held' });
  }

  send(outcome: SendOutcome, message: 'new' | 'update' = 'new'): void {
    const attributes: Attributes = { outcome: outcome.kind, message };
    if (outcome.kind === 'gone') attributes.reason = outcome.reason;
    this.sends.add(1, attributes);
  }

  graphAttempt(endpoint: string, status: number): void {
    const family = graphEndpointFamily(endpoint);
    this.graphRequests.add(1, { endpoint: family, status });
    if (status === 429) this.graphThrottled.add(1, { endpoint: family });
  }

  /**
   * Starts the gauges on `sources`; a source that fails or takes too long skips its sample (no stale value).
   * Calling it again replaces the sources.
   */
  observe(sources: GaugeSources): void {
    this.stopObserving();
    const observer = async (result: BatchObservableResult) => {
      const samples: Promise<void>[] = [];
      if (sources.nudgeQueueDepth) {
        samples.push(
          withDeadline(sources.nudgeQueueDepth(), GAUGE_SOURCE_TIMEOUT_MS).then(
            (depth) => result.observe(this.queueDepth, depth),
            () => undefined,
          ),
        );
      }
      if (sources.escalationsByState) {
        samples.push(
          withDeadline(sources.escalationsByState(), GAUGE_SOURCE_TIMEOUT_MS).then(
            (counts) => {
              for (const [state, count] of Object.entries(counts))
                result.observe(this.escalations, count, { state });
            },
            () => undefined,
          ),
        );
      }
      await Promise.all(samples);
    };
    this.observer = observer;
    this.meter.addBatchObservableCallback(observer, [this.queueDepth, this.escalations]);
  }

  /** Stops the gauges (their sources close with the app). */
  stopObserving(): void {
    if (!this.observer) return;
    this.meter.removeBatchObservableCallback(this.observer, [this.queueDepth, this.escalations]);
    this.observer = undefined;
  }
}
