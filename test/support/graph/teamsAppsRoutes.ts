/**
 * Graph routes for installing the bot's app for a user (Teams proactive install), added to a GraphStandIn:
 * the org catalog (`/appCatalogs/teamsApps?$filter=externalId eq '…'`), `POST /users/{id}/teamwork/installedApps`
 * (201 with no body; 409 when installed already; 404 for a user without Teams; 403 when a permission policy
 * blocks the app; 429 over 30 per second), the installations list, and the installation's 1:1 chat. When an
 * install succeeds, `onInstalled` is told, as Teams tells the bot with an installationUpdate.
 */
import crypto from 'node:crypto';
import type { StandInResponse } from '../standInServer';
import { PERMISSIONS, type GraphStandIn } from './graphStandIn';

export interface TeamsAppsOptions {
  manifestId: string;
  /** False: the app is not in the org catalog. */
  inCatalog?: boolean;
  /** Other apps in the org catalog (only found, never installed), e.g. MFA Buddy IT: manifest id → name. */
  otherApps?: Record<string, string>;
  /** Users without a Teams licence (install answers 404). */
  unlicensed?: Iterable<string>;
  /** Users an app permission policy blocks it for (install answers 403). */
  blockedByPolicy?: Iterable<string>;
  /** Install POSTs allowed per second (Graph: about 30). */
  postsPerSecond?: number;
  onInstalled?: (userId: string, chatId: string) => void | Promise<void>;
}

export interface TeamsAppsState {
  catalogId: string;
  installed: Map<string, { installationId: string; chatId: string }>;
  posts: number;
  throttled: number;
}

function graphError(status: number, code: string, message: string): StandInResponse {
  return { status, body: { error: { code, message } } };
}

export function addTeamsAppsRoutes(graph: GraphStandIn, options: TeamsAppsOptions): TeamsAppsState {
  const state: TeamsAppsState = {
    catalogId: crypto.randomUUID(),
    installed: new Map(),
    posts: 0,
    throttled: 0,
  };
  const unlicensed = new Set([...(options.unlicensed ?? [])].map((u) => u.toLowerCase()));
  const blocked = new Set([...(options.blockedByPolicy ?? [])].map((u) => u.toLowerCase()));
  const starts: number[] = [];

  const catalog = { permission: PERMISSIONS.appCatalog };
  const installs = { permission: PERMISSIONS.installedApps };
  graph.route(
    'GET',
    '/v1.0/appCatalogs/teamsApps',
    (req) => {
      const filter = req.query.get('$filter') ?? '';
      const m = /^externalId eq '([^']+)'$/.exec(filter);
      if (!m) return graphError(400, 'BadRequest', 'unsupported filter');
      const found = options.inCatalog !== false && m[1] === options.manifestId;
      const other = options.otherApps?.[m[1]!];
      if (other) {
        const app = { id: `catalog-${m[1]}`, externalId: m[1], displayName: other };
        return { status: 200, body: { value: [{ ...app, distributionMethod: 'organization' }] } };
      }
      return {
        status: 200,
        body: {
          value: found
            ? [
                {
                  id: state.catalogId,
                  externalId: options.manifestId,
                  displayName: 'MFA Buddy',
                  distributionMethod: 'organization',
                },
              ]
            : [],
        },
      };
    },
    catalog,
  );

  graph.route(
    'POST',
    '/v1.0/users/:id/teamwork/installedApps',
    async (req) => {
      const now = Date.now();
      while (starts.length > 0 && starts[0]! <= now - 1000) starts.shift();
      if (starts.length >= (options.postsPerSecond ?? 30)) {
        state.throttled += 1;
        return {
          ...graphError(429, 'TooManyRequests', 'Too many requests'),
          headers: { 'Retry-After': '1' },
        };
      }
      starts.push(now);
      state.posts += 1;
      const userId = req.params.id!.toLowerCase();
      const bind = (req.body as Record<string, unknown> | undefined)?.['teamsApp@odata.bind'];
      if (typeof bind !== 'string' || !bind.endsWith(`/appCatalogs/teamsApps/${state.catalogId}`))
        return graphError(400, 'BadRequest', 'teamsApp@odata.bind must name a catalog app');
      if (!graph.users.has(userId) || unlicensed.has(userId))
        return graphError(404, 'NotFound', 'The user does not have a Teams licence or was not found.');
      if (blocked.has(userId))
        return graphError(403, 'Forbidden', 'App is blocked by the app permission policy.');
      if (state.installed.has(userId)) return graphError(409, 'Conflict', 'App is already installed.');
      const installation = { installationId: crypto.randomUUID(), chatId: `19:${userId}_bot@unq.gbl.spaces` };
      state.installed.set(userId, installation);
      await options.onInstalled?.(userId, installation.chatId);
      return { status: 201 };
    },
    installs,
  );

  graph.route(
    'GET',
    '/v1.0/users/:id/teamwork/installedApps',
    (req) => {
      const found = state.installed.get(req.params.id!.toLowerCase());
      const filter = req.query.get('$filter') ?? '';
      const wanted = /teamsApp\/id eq '([^']+)'/.exec(filter)?.[1];
      const value =
        found && (!wanted || wanted === state.catalogId)
          ? [{ id: found.installationId, teamsApp: { id: state.catalogId, externalId: options.manifestId } }]
          : [];
      return { status: 200, body: { value } };
    },
    installs,
  );

  graph.route(
    'GET',
    '/v1.0/users/:id/teamwork/installedApps/:installationId/chat',
    (req) => {
      const found = state.installed.get(req.params.id!.toLowerCase());
      if (!found || found.installationId !== req.params.installationId)
        return graphError(404, 'NotFound', 'No such installation.');
      return { status: 200, body: { '@odata.context': '$metadata#chats/$entity', id: found.chatId } };
    },
    installs,
  );

  return state;
}
