/**
 * Middleware that gives no service to activities from any tenant but the school's. Runs before the bot,
 * so nothing is stored or answered for a foreign tenant; only the ids are logged.
 */
import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logging/logger';
import { tenantOf } from './activityIdentity';

export function tenantGuard(allowedTenantId: string, log: Logger): Middleware {
  const allowed = allowedTenantId.toLowerCase();
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const tenant = tenantOf(context.activity);
      if (tenant === allowed) {
        await next();
        return;
      }
      log.warn(
        {
          tenantId: tenant ?? null,
          activityType: context.activity.type,
          userId: context.activity.from?.aadObjectId,
        },
        'activity from another tenant refused',
      );
      if (context.activity.type === (ActivityTypes.Invoke as string)) {
        // An invoke must be answered; 403 says "not for you" without saying anything else.
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
      }
    },
  };
}
