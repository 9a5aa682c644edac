/** The `POST /api/messages` handler: hands the request to the CloudAdapter and the bot. */
import type { CloudAdapter } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { Logger } from '../logging/logger';
import type { SchoolBot } from './schoolBot';

export function messagesEndpoint(adapter: CloudAdapter, bot: SchoolBot, log: Logger) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      // CloudAdapter throws (rather than answering) when the body is not a valid activity.
      log.warn({ err: { message: (error as Error).message } }, 'request rejected');
      if (!res.headersSent) {
        res.status(400);
        res.json({ error: 'BadRequest', message: 'The request body is not a valid activity.' });
      }
    }
  };
}
