/**
 * Support codes: "my support code", its button, and the desk's typed `verify`; the desk's Temporary Access
 * Pass (its buttons, and `tap <upn>` typed by a desk member).
 */
import type { HelpReplies } from '../help/helpReplies';
import type { Router, Turn } from '../router';
import { buttonProblemCard, notUnderstoodCard } from '../shared/answerCards';
import { parseVerify } from './supportCodeReplies';
import { supportCodeVerbs, SupportCodeVerb } from './supportCodeVerbs';
import { parseTap, type TemporaryAccessPassReplies } from './temporaryAccessPassReplies';

/**
 * `help` carries the support codes (one dependency for the conversation); without it there are none.
 * Without `passes` there is no `tap` and the pass buttons answer as broken ones.
 */
export function registerSupportCodes(
  router: Router,
  deps: { help?: HelpReplies; passes?: TemporaryAccessPassReplies },
): void {
  const { help, passes } = deps;
  const broken = async (turn: Turn) => [buttonProblemCard(await turn.progress(), 'broken', turn.ctx.t)];
  router
    // Before intents: the code in it would read as "sensitive". What was typed is never logged.
    .textCommand('verify', async (text, turn) => {
      const verify = help ? parseVerify(text) : undefined;
      return verify && help?.verify(turn.userId, verify, turn.ctx.t);
    })
    .intent('supportCode', async (turn) => {
      const progress = await turn.progress();
      return help
        ? help.supportCode(turn.userId, progress, turn.ctx.t)
        : [notUnderstoodCard(progress, turn.ctx.t)];
    })
    // Before intents too: the school email in it would read as "sensitive". Not the desk's: undefined.
    .textCommand('tap', async (text, turn) => {
      const tap = passes ? parseTap(text) : undefined;
      return tap && passes?.tap(turn.userId, tap, turn.ctx.t);
    })
    .verb(supportCodeVerbs, SupportCodeVerb.SupportCodeShow, async (_, turn) => {
      const progress = await turn.progress();
      return help
        ? help.supportCode(turn.userId, progress, turn.ctx.t)
        : [buttonProblemCard(progress, 'broken', turn.ctx.t)];
    })
    .verb(supportCodeVerbs, SupportCodeVerb.PassGive, ({ grantId }, turn) =>
      passes ? passes.give(turn.userId, grantId, turn.ctx.t) : broken(turn),
    )
    .verb(supportCodeVerbs, SupportCodeVerb.PassConfirm, ({ grantId }, turn) =>
      passes ? passes.confirm(turn.userId, grantId, turn.ctx.t) : broken(turn),
    )
    .verb(supportCodeVerbs, SupportCodeVerb.PassCancel, ({ grantId }, turn) =>
      passes ? passes.cancel(turn.userId, grantId, turn.ctx.t) : broken(turn),
    );
}
