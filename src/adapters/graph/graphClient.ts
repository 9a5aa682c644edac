/**
 * The one way the bot builds a Microsoft Graph client: app-only tokens from @azure/identity, a timeout on
 * every request and on token acquisition (neither library has one by default), and the base URL from
 * configuration so tests can point it at a local HTTPS stand-in.
 */
import {
  ClientSecretCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import type { BudgetPriority, RequestBudget } from './requestBudget';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

export interface GraphClientSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. https://graph.microsoft.com (no version segment). */
  baseUrl: string;
  /** e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** Per-request timeout, including reading the body. */
  requestTimeoutMs?: number;
  /** Token acquisition timeout. */
  tokenTimeoutMs?: number;
  /**
   * Retries by the Graph client's own RetryHandler (honours Retry-After). Code that does its own
   * throttling and retrying (the Graph budget) passes 0 so the two do not multiply.
   */
  maxRetries?: number;
  /**
   * A request budget for some endpoints (Graph's identity reports). The slot is taken right before the
   * request goes out, after the token is in hand, so a slow token refresh cannot bunch requests together
   * at the service's end.
   */
  budget?: { budget: RequestBudget; applies: (url: string) => boolean };
  /**
   * The credential to take tokens from, when the caller holds one already (the setup check reads the token
   * it is given, and its requests then reuse that token); built from the settings otherwise.
   */
  credential?: TokenCredential;
}

/** Per-request option read by the budget middleware: who is waiting, and when to stop waiting. */
export class BudgetOption implements MiddlewareOptions {
  constructor(
    readonly priority: BudgetPriority,
    readonly signal?: AbortSignal,
  ) {}
}

/** Waits for a slot in the budget before passing a request on, for the URLs the budget applies to. */
class BudgetHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly settings: NonNullable<GraphClientSettings['budget']>) {}

  async execute(context: Context): Promise<void> {
    const request: unknown = context.request;
    const inner = (request as { url?: unknown } | null)?.url;
    const url = typeof request === 'string' ? request : typeof inner === 'string' ? inner : '';
    if (this.settings.applies(url)) {
      const option = context.middlewareControl?.getMiddlewareOptions(BudgetOption) as
        BudgetOption | undefined;
      await this.settings.budget.acquire(option?.priority ?? 'background', option?.signal);
    }
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Raised when Graph or the token endpoint does not answer in time. */
export class GraphTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'GraphTimeoutError';
  }
}

/** True for a timeout, whether raised directly or wrapped by the Graph client into a GraphError. */
export function isGraphTimeout(error: unknown): boolean {
  return (
    error instanceof GraphTimeoutError || (error as { code?: unknown } | null)?.code === 'GraphTimeoutError'
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GraphTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A credential whose getToken gives up after `ms` (MSAL waits forever on a dead network). */
export function timeBoxedCredential(inner: TokenCredential, ms: number): TokenCredential {
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      return withTimeout(
        inner.getToken(scopes, { ...options, abortSignal: options?.abortSignal ?? AbortSignal.timeout(ms) }),
        ms,
        'the token endpoint',
      );
    },
  };
}

/** Aborts a request that has not completed (headers and body) within `ms`. */
class TimeoutHandler implements Middleware {
  private next?: Middleware;

  constructor(private readonly ms: number) {}

  async execute(context: Context): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new GraphTimeoutError('Microsoft Graph', this.ms)),
      this.ms,
    );
    context.options = { ...(context.options ?? {}), signal: controller.signal };
    try {
      await this.next!.execute(context);
      // Buffer the body inside the time box, so a response that stalls mid-body also times out.
      if (context.response) {
        const body = await context.response.arrayBuffer();
        context.response = new Response(body.byteLength > 0 ? body : null, {
          status: context.response.status,
          statusText: context.response.statusText,
          headers: context.response.headers,
        });
      }
    } catch (error) {
      if (controller.signal.aborted) throw new GraphTimeoutError('Microsoft Graph', this.ms);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * The app's credential for Graph, with a time box on each token request. It caches its token: a client built
 * on it and anything else asking it (the readiness check) share one token.
 */
export function graphCredential(
  settings: Pick<
    GraphClientSettings,
    'tenantId' | 'clientId' | 'clientSecret' | 'authorityHost' | 'tokenTimeoutMs'
  >,
): TokenCredential {
  return timeBoxedCredential(
    new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
      authorityHost: settings.authorityHost,
      // Without this MSAL asks the public cloud for instance metadata, which a custom authority host
      // (sovereign cloud, test stand-in) cannot answer.
      disableInstanceDiscovery: settings.authorityHost !== 'https://login.microsoftonline.com',
    }),
    settings.tokenTimeoutMs ?? 10_000,
  );
}

/** Builds an app-only Graph client for the school's tenant (on `credential`, or a credential of its own). */
export function createGraphClient(
  settings: GraphClientSettings,
  credential = graphCredential(settings),
): Client {
  const baseUrl = new URL(settings.baseUrl);
  const authProvider = new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] });
  const auth = new AuthenticationHandler(authProvider);
  const retry = new RetryHandler(new RetryHandlerOptions(3, settings.maxRetries ?? 3));
  const timeout = new TimeoutHandler(settings.requestTimeoutMs ?? 15_000);
  const http = new HTTPMessageHandler();
  auth.setNext(retry);
  if (settings.budget) {
    const budget = new BudgetHandler(settings.budget);
    retry.setNext(budget);
    budget.setNext(timeout);
  } else {
    retry.setNext(timeout);
  }
  timeout.setNext(http);
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${baseUrl.origin}/`,
    // The auth handler only attaches tokens for Graph's own hosts unless told otherwise; it wants the bare
    // host name (no port) here, or no token is sent and nothing complains.
    customHosts: baseUrl.hostname === 'graph.microsoft.com' ? undefined : new Set([baseUrl.hostname]),
  });
}
