/**
 * Graph's `POST /users/{id}/authentication/temporaryAccessPassMethods` on the Graph stand-in, with what a
 * desk's request can meet: 403 Authorization_RequestDenied without UserAuthenticationMethod.ReadWrite.All;
 * 400 naming the authentication methods policy when Temporary Access Pass is switched off in the tenant
 * (`disabled`); 400 naming the lifetime outside the tenant's policy (`policy`, Microsoft's default 60–480
 * minutes, and always 10–43200); 404 for an unknown user; else 201 with the pass, replacing the user's
 * previous one. Faults queued with `failNext` on the server come first, as a broken Graph would.
 */
import crypto from 'node:crypto';
import type { StandInRequest, StandInResponse } from '../standInServer';
import { graphError, PERMISSIONS, type GraphStandIn } from './graphStandIn';

/** A pass the stand-in issued, as the tests read it. */
export interface IssuedPass {
  userId: string;
  methodId: string;
  pass: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

/** The tenant's Temporary Access Pass settings (authentication methods policy). */
export interface TapPolicy {
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  defaultLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export class TapStandIn {
  /** Every pass issued, in order (replaced ones included). */
  readonly issued: IssuedPass[] = [];
  /** The pass each user has now (a new one replaces the old). */
  readonly current = new Map<string, IssuedPass>();
  /** Temporary Access Pass switched off in the tenant's authentication methods policy. */
  disabled = false;
  policy: TapPolicy = {
    minimumLifetimeInMinutes: 60,
    maximumLifetimeInMinutes: 480,
    defaultLifetimeInMinutes: 60,
    isUsableOnce: false,
  };

  constructor(private readonly graph: GraphStandIn) {
    graph.route(
      'POST',
      '/v1.0/users/:id/authentication/temporaryAccessPassMethods',
      (req) => this.create(req),
      { permission: PERMISSIONS.writeMethods },
    );
  }

  /** Every create request that reached the stand-in (faulted and refused ones included), in order. */
  requests() {
    return this.graph.tenant.server.requestsTo(/\/temporaryAccessPassMethods$/, 'POST');
  }

  private create(req: StandInRequest): StandInResponse {
    const key = decodeURIComponent(req.params.id!).toLowerCase();
    const user = this.graph.findUser(key);
    if (!user) {
      return graphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist.`);
    }
    if (this.disabled) {
      return graphError(
        400,
        'badRequest',
        'Temporary Access Pass is not enabled for this user in the authentication methods policy.',
      );
    }
    const body = (req.body ?? {}) as {
      lifetimeInMinutes?: unknown;
      isUsableOnce?: unknown;
      startDateTime?: unknown;
    };
    const lifetime =
      body.lifetimeInMinutes === undefined ? this.policy.defaultLifetimeInMinutes : body.lifetimeInMinutes;
    if (
      typeof lifetime !== 'number' ||
      !Number.isInteger(lifetime) ||
      lifetime < Math.max(10, this.policy.minimumLifetimeInMinutes) ||
      lifetime > Math.min(43_200, this.policy.maximumLifetimeInMinutes)
    ) {
      return graphError(
        400,
        'badRequest',
        `The lifetime of the Temporary Access Pass must be between ${this.policy.minimumLifetimeInMinutes} and ${this.policy.maximumLifetimeInMinutes} minutes (authentication methods policy).`,
      );
    }
    const created = new Date().toISOString();
    const start =
      typeof body.startDateTime === 'string' ? new Date(body.startDateTime).toISOString() : created;
    const pass: IssuedPass = {
      userId: user.id,
      methodId: crypto.randomUUID(),
      pass: crypto.randomBytes(6).toString('base64url'),
      createdDateTime: created,
      startDateTime: start,
      lifetimeInMinutes: lifetime,
      isUsableOnce: typeof body.isUsableOnce === 'boolean' ? body.isUsableOnce : this.policy.isUsableOnce,
    };
    this.issued.push(pass);
    this.current.set(user.id, pass);
    return {
      status: 201,
      body: {
        '@odata.context': `${this.graph.url}/v1.0/$metadata#users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`,
        id: pass.methodId,
        temporaryAccessPass: pass.pass,
        createdDateTime: pass.createdDateTime,
        startDateTime: pass.startDateTime,
        lifetimeInMinutes: pass.lifetimeInMinutes,
        isUsableOnce: pass.isUsableOnce,
        isUsable: true,
        methodUsabilityReason: 'EnabledByPolicy',
      },
    };
  }
}
