/** Support codes: "my support code", its button, and the desk's typed `verify`. */
import type { HelpReplies } from '../help/helpReplies';
import type { Router } from '../router';
import { buttonProblemCard, notUnderstoodCard } from '../shared/answerCards';
import { parseVerify } from './supportCodeReplies';
import { supportCodeVerbs, SupportCodeVerb } from './supportCodeVerbs';

/** `help` carries the support codes (one dependency for the conversation); without it there are none. */
export function registerSupportCodes(router: Router, deps: { help?: HelpReplies }): void {
  const { help } = deps;
  router
    // Before intents: the code in it would read as "sensitive". What was typed is never logged.
    .textCommand('verify', async (text, turn) => {
      const verify = help ? parseVerify(text) : undefined;
      return verify && help?.verify(turn.userId, verify);
    })
    .intent('supportCode', async (turn) => {
      const progress = await turn.progress();
      return help ? help.supportCode(turn.userId, progress) : [notUnderstoodCard(progress)];
    })
    .verb(supportCodeVerbs, SupportCodeVerb.SupportCodeShow, async (_, turn) => {
      const progress = await turn.progress();
      return help ? help.supportCode(turn.userId, progress) : [buttonProblemCard(progress, 'broken')];
    });
}
