/**
 * Builds the campaign's parts (planner, worker, snooze/report service) from the process's shared parts.
 * Used by the bot (src/app.ts) and the command line (src/cli/nudge.ts), so both run the same code.
 */
import type { Stores } from '../adapters/storage';
import { GraphAppInstaller } from '../adapters/graph/graphAppInstaller';
import type { GraphRequester } from '../adapters/graph/graphRequests';
import type { AppConfig } from '../config/env';
import { buildCampaign } from '../domain/campaign/campaignTime';
import type { SchoolPolicy } from '../domain/policy/schoolPolicy';
import type { Catalogues } from '../i18n/catalogue';
import type { Logger } from '../logging/logger';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { Messenger } from '../ports/messenger';
import type { SendBudget } from '../sending/sendBudget';
import type { RegistrationStatusService } from '../status/registrationStatusService';
import { DEFAULT_DELIVERY, type CampaignDeps } from './campaignContext';
import { CampaignPlanner } from './campaignPlanner';
import { NudgeService } from './nudgeService';
import { NudgeWorker } from './nudgeWorker';

export interface NudgeParts {
  deps: CampaignDeps;
  planner: CampaignPlanner;
  worker: NudgeWorker;
  service: NudgeService;
}

export interface NudgeInputs {
  config: AppConfig;
  policy: SchoolPolicy;
  /** The ledger, queue and lease, and the references and progress the sends read (either backend). */
  stores: Pick<Stores, 'nudgeLedger' | 'nudgeQueue' | 'leases' | 'references' | 'progress'>;
  directory: Directory;
  /** The Graph requester when Graph is configured (app installs); absent with the demo directory. */
  graphRequests?: GraphRequester;
  status: RegistrationStatusService;
  messenger: Messenger;
  /** The app's send budget the campaign shares with the bot's replies. */
  sendBudget?: SendBudget;
  /** The languages nudges are written in (default: the package's `locales/`). */
  catalogues?: Catalogues;
  clock: Clock;
  log: Logger;
}

/** The campaign's parts, or undefined when the policy has no campaign section. */
export function createNudges(inputs: NudgeInputs): NudgeParts | undefined {
  const { config, policy } = inputs;
  if (!policy.campaign) return undefined;
  const campaign = buildCampaign(
    policy.campaign,
    policy.registration.enforcementDate,
    policy.school.timeZone,
  );
  const n = config.nudges;
  const installer =
    inputs.graphRequests && n.teamsAppId
      ? new GraphAppInstaller({
          requests: inputs.graphRequests,
          manifestId: n.teamsAppId,
          catalogId: n.catalogId,
          graphBaseUrl: config.graphBaseUrl,
          log: inputs.log,
        })
      : undefined;
  const deps: CampaignDeps = {
    campaign,
    policy,
    directory: inputs.directory,
    status: inputs.status,
    ledger: inputs.stores.nudgeLedger,
    queue: inputs.stores.nudgeQueue,
    leases: inputs.stores.leases,
    references: inputs.stores.references,
    progress: inputs.stores.progress,
    messenger: inputs.messenger,
    sendBudget: inputs.sendBudget,
    catalogues: inputs.catalogues,
    installer,
    clock: inputs.clock,
    log: inputs.log.child({ campaignId: campaign.id }),
    delivery: {
      ...DEFAULT_DELIVERY,
      sendsPerSecond: n.sendsPerSecond,
      concurrency: n.concurrency,
      visibilityTimeoutMs: n.visibilityTimeoutMs,
      installWaitMs: n.installWaitMs,
      recheckMs: n.recheckMs,
      plannerLeaseMs: n.plannerLeaseMs,
    },
  };
  return {
    deps,
    planner: new CampaignPlanner(deps),
    worker: new NudgeWorker(deps),
    service: new NudgeService(deps),
  };
}
