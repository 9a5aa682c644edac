/** "Check my status" and "I've done it" (from Microsoft Graph when configured), and the fix buttons. */
import { progressCard } from '../guide/guideAnswerCards';
import { guideMove } from '../guide/guideFeature';
import type { Router, Turn } from '../router';
import type { StatusReplies, StatusRequest } from './statusReplies';
import { statusVerbs, StatusVerb } from './statusVerbs';

export function registerStatus(router: Router, deps: { status?: StatusReplies }): void {
  const answer = async (request: StatusRequest, turn: Turn) => {
    // Without Graph, the guide's own record; read-only either way: asking for status does not move the guide.
    if (!deps.status) return turn.update((current) => ({ cards: [progressCard(current, turn.ctx)] }));
    return deps.status.answer(turn.userId, request, turn.ctx, await turn.progress());
  };
  router
    .intent('status', (turn) => answer('status', turn))
    .intent('done', (turn) => answer('done', turn))
    .verb(statusVerbs, StatusVerb.StatusFix, ({ step, first }, turn) =>
      turn.update((current) => guideMove({ type: 'goto', to: step, first }, current, turn.ctx)),
    );
}
