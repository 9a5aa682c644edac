/** The `ask` buttons: each does what typing its phrase would, through the intent's own handler. */
import type { Router } from '../router';
import { askVerbs, AskVerb } from './askVerb';

export function registerAsk(router: Router): void {
  router.verb(askVerbs, AskVerb.Ask, ({ intent }, turn) => router.answer(intent, turn));
}
