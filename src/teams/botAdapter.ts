/**
 * The Bot Framework CloudAdapter. With BOT_ID set, every inbound request must carry a valid Bot Framework
 * JWT; without it (loopback only, see config) requests are accepted and replies are sent without a token.
 */
import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { AppConfig } from '../config/env';
import { screenText } from '../domain/text/screening';
import type { Logger } from '../logging/logger';
import { AuthorityHostCredentialsFactory } from './authorityHostCredentials';
import { ClientReusingAuthentication } from './clientReusingAuthentication';
import type { SendBudget } from '../sending/sendBudget';
import { SendHandOff } from './sendHandOff';

/** Said when a turn fails on our side (storage down, a bug); the default names no place to get help. */
const DEFAULT_TURN_FAILED_TEXT = 'Sorry, something went wrong on my side. Please try again in a minute.';

/** The CloudAdapter with the hand-off its connector clients note proactive sends through. */
export class BotAdapter extends CloudAdapter {
  constructor(
    authentication: ClientReusingAuthentication,
    readonly handOff: SendHandOff,
  ) {
    super(authentication);
  }
}

export function createBotAdapter(
  config: AppConfig,
  log: Logger,
  /** What the user reads when their turn fails, in the language Teams reports for them (the activity's locale). */
  turnFailedText: (activityLocale: string | undefined) => string = () => DEFAULT_TURN_FAILED_TEXT,
  /** Every request to the connector waits here for its ticket (none: requests go as they come). */
  budget?: SendBudget,
): BotAdapter {
  const options: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {
    MicrosoftAppId: config.bot.id ?? '',
    MicrosoftAppPassword: config.bot.password ?? '',
    // With no app id there is no identity to be single-tenant about; botbuilder then skips auth entirely.
    MicrosoftAppType: config.bot.id ? config.bot.type : 'MultiTenant',
    MicrosoftAppTenantId: config.bot.tenantId ?? '',
  };
  // Outbound tokens from another login host: botbuilder's own credentials would ask the public cloud first.
  const { authorityHost } = config.bot;
  const channelAuthTenant =
    config.bot.type === 'MultiTenant'
      ? AuthenticationConstants.DefaultChannelAuthTenant
      : (config.bot.tenantId ?? AuthenticationConstants.DefaultChannelAuthTenant);
  const credentials =
    authorityHost && config.bot.id
      ? new AuthorityHostCredentialsFactory(
          config.bot.id,
          config.bot.password ?? '',
          channelAuthTenant,
          authorityHost,
        )
      : undefined;
  // The outbound token comes from `credentials` when a login host is set (they ignore botbuilder's login URL).
  if (config.bot.openIdMetadataUrl) {
    // botbuilder takes one overridden endpoint as "all endpoints are given", so give the public-cloud rest.
    Object.assign(options, {
      ToBotFromChannelOpenIdMetadataUrl: config.bot.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
      ValidateAuthority: true,
    });
  }
  const handOff = new SendHandOff(log, budget);
  const adapter = new BotAdapter(
    new ClientReusingAuthentication(
      new ConfigurationBotFrameworkAuthentication(options, credentials),
      (client) => handOff.installOn(client),
    ),
    handOff,
  );
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    // A message can quote its input (a parser's does): screened like anything typed before it is logged.
    log.error(
      {
        err: {
          name: err.name,
          message: screenText(err.message).text,
          stack: err.stack && screenText(err.stack).text,
        },
        activityType: context.activity.type,
      },
      'turn failed',
    );
    if (context.activity.type === 'message' || context.activity.type === 'invoke') {
      try {
        await context.sendActivity(turnFailedText(context.activity.locale));
      } catch (sendError) {
        log.error(
          { err: { message: (sendError as Error).message } },
          'could not tell the user about the error',
        );
      }
    }
  };
  return adapter;
}
