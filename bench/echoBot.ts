/**
 * The baseline for the turn benchmark: the smallest Teams bot there is (restify + CloudAdapter, no auth,
 * echoes the text back through the connector). Started by bench/turnThroughput.ts.
 *
 * With ECHO_SHARED_CLIENTS=1 it reuses connector clients as the bot does (the second baseline: what the
 * bot's own work costs, with the transport equal).
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { ClientReusingAuthentication } from '../src/teams/clientReusingAuthentication';

const stock = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppType: 'MultiTenant' });
const adapter = new CloudAdapter(
  process.env.ECHO_SHARED_CLIENTS === '1' ? new ClientReusingAuthentication(stock) : stock,
);
const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  await next();
});

const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ msg: 'listening on /api/messages', port }));
});
process.on('SIGTERM', () => {
  server.close(() => {
    process.exit(0);
  });
});
