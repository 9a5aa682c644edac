/**
 * Every card verb the bot knows, gathered from the features that own them. Each feature names its verbs and
 * gives each payload a zod schema next to its handlers; this only puts them together, so that a button's data
 * is typed (`ActionData`, inferred from the schemas) and checks can ask whether a verb exists.
 */
import { askVerbs, AskVerb } from './shared/askVerb';
import { campaignVerbs, CampaignVerb } from './campaign/campaignVerbs';
import { cardRefreshVerbs, CardRefreshVerb } from './cardRefresh/cardRefreshVerbs';
import { guideVerbs, GuideVerb } from './guide/guideVerbs';
import { helpVerbs, HelpVerb } from './help/helpVerbs';
import { languageVerbs, LanguageVerb } from './language/languageVerbs';
import {
  parseAgainst,
  type ActionOf,
  type ActionProblem,
  type ParsedActionOf,
  type VerbSchemas,
} from './router';
import { statusVerbs, StatusVerb } from './status/statusVerbs';
import { supportCodeVerbs, SupportCodeVerb } from './supportCodes/supportCodeVerbs';

export const Verb = {
  ...GuideVerb,
  ...AskVerb,
  ...StatusVerb,
  ...CampaignVerb,
  ...HelpVerb,
  ...SupportCodeVerb,
  ...LanguageVerb,
  ...CardRefreshVerb,
} as const;

const payloadSchemas = {
  ...guideVerbs,
  ...askVerbs,
  ...statusVerbs,
  ...campaignVerbs,
  ...helpVerbs,
  ...supportCodeVerbs,
  ...languageVerbs,
  ...cardRefreshVerbs,
} satisfies VerbSchemas;

export type VerbName = keyof typeof payloadSchemas;
/** A validated card action. */
export type CardAction = ParsedActionOf<typeof payloadSchemas>;
/** Data attached to a card button: exactly what `parseCardAction` accepts back. */
export type ActionData = ActionOf<typeof payloadSchemas>;

export type ParsedAction = { ok: true; action: CardAction } | { ok: false; problem: ActionProblem };

/** Every verb name, for the router's completeness check and the metrics' labels. */
export const VERB_NAMES: readonly string[] = Object.keys(payloadSchemas);

/** Parses the `value` of an Action.Submit or the `data` of an Action.Execute. Never throws. */
export function parseCardAction(raw: unknown): ParsedAction {
  return parseAgainst(payloadSchemas, raw);
}

/** Every verb name, for checks that each card action is one the bot knows. */
export function isKnownVerb(verb: unknown): boolean {
  return typeof verb === 'string' && Object.hasOwn(payloadSchemas, verb);
}
