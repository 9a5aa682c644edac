/**
 * A Graph stand-in with its token endpoint on one HTTPS server, plus the settings that point the bot's
 * Graph client at it. Feature tests add their own Graph routes (users, reports, mail…) to `server`.
 */
import { StandInServer, type StandInRequest, type StandInResponse } from './standInServer';
import { TokenEndpoint, type AppCredentials } from './tokenEndpoint';

export const TEST_APP: AppCredentials = {
  tenantId: '7d3c9a1e-2b4f-4e6a-8c1d-9f0e1a2b3c4d',
  clientId: '0b5e8f2a-6c3d-4a1b-9e7f-1d2c3b4a5f6e',
  clientSecret: 'stand-in-secret-value',
};

export interface GraphTenant {
  server: StandInServer;
  tokens: TokenEndpoint;
  /** Environment for a bot process that should use this stand-in. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startGraphTenant(
  app: AppCredentials = TEST_APP,
  /** The application permissions granted (default: every one the bot asks for). */
  roles?: readonly string[],
): Promise<GraphTenant> {
  const server = await StandInServer.start({ tls: true });
  const tokens = new TokenEndpoint(server, app, { roles });
  return {
    server,
    tokens,
    env: {
      TENANT_ID: app.tenantId,
      GRAPH_CLIENT_ID: app.clientId,
      GRAPH_CLIENT_SECRET: app.clientSecret,
      GRAPH_BASE_URL: server.url,
      AZURE_AUTHORITY_HOST: server.url,
      // The bot under test has no Bot Framework identity; a stand-in tenant is what this switch is for.
      ALLOW_UNAUTHENTICATED: '1',
    },
    close: () => server.close(),
  };
}

/**
 * A route's permission: any one of `roles` in the token will do (Graph accepts the least-privileged
 * permission or a broader one); without one Graph answers 403 with `code`.
 */
export interface RoleRequirement {
  roles: readonly string[];
  code?: string;
  message?: string;
}

/**
 * Wraps a Graph route handler so that requests without a token this tenant issued get Graph's 401, and
 * requests whose token lacks the route's permission get Graph's 403.
 */
export function requireToken(
  tokens: TokenEndpoint,
  handler: (req: StandInRequest) => StandInResponse | Promise<StandInResponse>,
  requirement?: RoleRequirement,
) {
  return (req: StandInRequest): StandInResponse | Promise<StandInResponse> => {
    if (!tokens.isIssued(req.headers.authorization)) {
      return {
        status: 401,
        body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } },
      };
    }
    if (requirement) {
      const granted = tokens.rolesOf(req.headers.authorization);
      if (!requirement.roles.some((role) => granted.includes(role))) {
        return {
          status: 403,
          body: {
            error: {
              code: requirement.code ?? 'Authorization_RequestDenied',
              message: requirement.message ?? 'Insufficient privileges to complete the operation.',
            },
          },
        };
      }
    }
    return handler(req);
  };
}
