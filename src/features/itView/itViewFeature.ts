/** The IT view in chat: `progress` typed by a member of IT staff; for anyone else it means what it always did. */
import { normalise } from '../../domain/text/intents';
import type { Router } from '../router';
import type { ItViewReplies } from './itViewReplies';

/** Read before intents: "progress" is also one of the ways of asking for one's own status. */
export function registerItView(router: Router, deps: { itView?: ItViewReplies }): void {
  const { itView } = deps;
  if (!itView) return;
  router.textCommand('itProgress', (text, turn) =>
    normalise(text) === 'progress' ? itView.overviewFor(turn.userId) : Promise.resolve(undefined),
  );
}
