/**
 * The `POST /api/messages` handler: hands the request to the CloudAdapter and the bot, and times each request
 * (by activity kind, card verb and outcome) for the operator's metrics.
 */
import type { CloudAdapter } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { Logger } from '../logging/logger';
import type { TurnMetrics, TurnOutcome } from '../telemetry/botMetrics';
import type { SchoolBot } from './schoolBot';

export function messagesEndpoint(adapter: CloudAdapter, bot: SchoolBot, log: Logger, metrics?: TurnMetrics) {
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    let activity: { type?: unknown; value?: unknown } | undefined;
    // Refused before the bot saw it (no valid token, not an activity) unless the turn says otherwise.
    let outcome: TurnOutcome = 'rejected';
    try {
      await adapter.process(req, res, async (context) => {
        activity = context.activity;
        outcome = 'failed';
        // A turn that throws goes on to onTurnError (the user gets the apology): 'failed' stays.
        await bot.run(context);
        outcome = 'ok';
      });
    } catch (error) {
      // CloudAdapter throws (rather than answering) when the body is not a valid activity.
      log.warn({ err: { message: (error as Error).message } }, 'request rejected');
      if (!res.headersSent) {
        res.status(400);
        res.json({ error: 'BadRequest', message: 'The request body is not a valid activity.' });
      }
    } finally {
      metrics?.turn(activity, outcome, performance.now() - started);
    }
  };
}
