/**
 * Small builders for Teams activities as Teams sends them to a bot in a personal chat: install,
 * conversationUpdate, typed messages, Action.Submit and Action.Execute. Tests state only what differs.
 */
import type { Activity } from 'botbuilder';
import { DEMO_TENANT_ID } from '../../src/config/env';

export interface TestUser {
  /** Entra object id. */
  aadObjectId: string;
  name: string;
  /** Teams user id (29:…). */
  teamsId: string;
}

let counter = 0;

/** A user with a fresh object id. */
export function testUser(name = 'Sam Pupil', aadObjectId?: string): TestUser {
  counter += 1;
  const n = String(counter).padStart(12, '0');
  return {
    aadObjectId: aadObjectId ?? `00000000-0000-4000-8000-${n}`,
    name,
    teamsId: `29:test-user-${counter}`,
  };
}

export interface ActivityOptions {
  tenantId?: string;
  serviceUrl?: string;
  conversationId?: string;
  conversationType?: string;
  botId?: string;
  /** The user's language as Teams reports it (default `en-GB`). */
  locale?: string;
}

/** The fields every activity in a personal chat with `user` carries. */
export function personal(user: TestUser, options: ActivityOptions = {}): Partial<Activity> {
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  counter += 1;
  return {
    id: `activity-${counter}`,
    channelId: 'msteams',
    serviceUrl: options.serviceUrl ?? 'https://smba.trafficmanager.net/uk/',
    timestamp: new Date(),
    from: { id: user.teamsId, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: options.botId ?? '28:bot-id', name: 'MFA Buddy' },
    conversation: {
      id: options.conversationId ?? `a:personal-${user.aadObjectId}`,
      conversationType: options.conversationType ?? 'personal',
      tenantId,
      isGroup: false,
      name: '',
    },
    channelData: { tenant: { id: tenantId } },
    locale: options.locale ?? 'en-GB',
  };
}

export function installActivity(user: TestUser, options?: ActivityOptions): Partial<Activity> {
  return { ...personal(user, options), type: 'installationUpdate', action: 'add' };
}

export function uninstallActivity(user: TestUser, options?: ActivityOptions): Partial<Activity> {
  return { ...personal(user, options), type: 'installationUpdate', action: 'remove' };
}

export function botAddedActivity(user: TestUser, options?: ActivityOptions): Partial<Activity> {
  const base = personal(user, options);
  return {
    ...base,
    type: 'conversationUpdate',
    membersAdded: [{ id: base.recipient!.id, name: 'MFA Buddy' }],
  };
}

export function textActivity(user: TestUser, text: string, options?: ActivityOptions): Partial<Activity> {
  return { ...personal(user, options), type: 'message', text, textFormat: 'plain' };
}

/** What Teams sends when an Action.Submit button is pressed: a message whose `value` is the action data. */
export function submitActivity(user: TestUser, value: unknown, options?: ActivityOptions): Partial<Activity> {
  return { ...personal(user, options), type: 'message', text: '', value };
}

/** What Teams sends for Action.Execute: an `adaptiveCard/action` invoke. */
export function executeActivity(
  user: TestUser,
  verb: string,
  data: Record<string, unknown>,
  options?: ActivityOptions,
): Partial<Activity> {
  return {
    ...personal(user, options),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
