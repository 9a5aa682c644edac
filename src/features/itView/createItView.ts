/** Builds IT's view from the process's shared parts (called once, by the container). */
import type { AppConfig } from '../../config/env';
import type { SchoolPolicy } from '../../domain/policy/schoolPolicy';
import type { Logger } from '../../logging/logger';
import type { Clock } from '../../ports/clock';
import type { Directory } from '../../ports/directory';
import type { ProgressSnapshotStore } from '../../ports/progressSnapshotStore';
import type { RegistrationStatusService } from '../../status/registrationStatusService';
import { ItStaffMembership } from './itStaffMembership';
import { ItViewReplies } from './itViewReplies';
import { ProgressSnapshotJob } from './progressSnapshotJob';
import { progressTabDeepLink } from './progressTab';
import { SchoolProgressService, type SchoolProgressDeps } from './schoolProgressService';

export interface ItViewParts {
  /** Who is IT staff (cached minutes, like the desk's membership). */
  staff: ItStaffMembership;
  /** The school's figures: the chat card, the tab and the daily trend share one count. */
  progress: SchoolProgressService;
  /** `progress` in chat. */
  replies: ItViewReplies;
  /** The daily count behind the trend (a background job). */
  snapshots: ProgressSnapshotJob;
}

export function createItView(inputs: {
  config: AppConfig;
  policy: SchoolPolicy;
  directory: Directory;
  status: RegistrationStatusService;
  days: ProgressSnapshotStore;
  clock: Clock;
  log: Logger;
  /** What the campaign's live looks found about members' email addresses (absent: no campaign). */
  emailChecks?: SchoolProgressDeps['emailChecks'];
}): ItViewParts {
  const { config, policy, directory, status, days, clock, log, emailChecks } = inputs;
  const staff = new ItStaffMembership({ policy, directory, clock });
  const progress = new SchoolProgressService({ policy, directory, status, days, clock, log, emailChecks });
  // The tab is in the IT app (appPackage/it), not in the bot's app that pupils have.
  const itAppId = config.tab.teamsAppId;
  return {
    staff,
    progress,
    replies: new ItViewReplies({
      staff,
      progress,
      policy,
      log,
      tabUrl: itAppId && progressTabDeepLink(itAppId),
      // As long as a `status` turn waits for Graph (STATUS_IN_TURN_WAIT_MS).
      inTurnWaitMs: config.status.inTurnWaitMs,
    }),
    snapshots: new ProgressSnapshotJob({ progress, log }),
  };
}
