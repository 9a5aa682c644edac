/**
 * "I need help": "I'm stuck" (which the guide records), the steps of the help form, sending it to the desk,
 * and the short answers to what people type when something went wrong (new phone, lost phone, what is this).
 */
import { randomBytes } from 'node:crypto';
import { guideMove } from '../guide/guideFeature';
import type { Router, Turn } from '../router';
import { buttonProblemCard, thanksCard } from '../shared/answerCards';
import type { Category } from '../../domain/escalation/categories';
import type { StepId } from '../../domain/guide/steps';
import { newPhoneCard, whatIsThisCard } from './helpAnswerCards';
import { helpStartCard, helpViewCard, helpWayCard } from './helpCards';
import type { HelpReplies } from './helpReplies';
import { helpVerbs, HelpVerb } from './helpVerbs';

export interface HelpFeatureDeps {
  help?: HelpReplies;
  /** A fresh id for each help flow (one escalation per flow, however often it is sent). */
  newFormId?: () => string;
}

export function registerHelp(router: Router, deps: HelpFeatureDeps): void {
  const newFormId = () => deps.newFormId?.() ?? randomBytes(9).toString('base64url');
  const stuck = (turn: Turn, from: StepId | undefined, category?: Category) =>
    turn.update((current) => {
      const at = from ?? current?.step ?? 'welcome';
      return guideMove({ type: 'stuck', from: at }, current, turn.ctx, () => {
        const draft = { formId: newFormId(), from: at };
        return category ? helpWayCard({ ...draft, category }, turn.ctx) : helpStartCard(draft, turn.ctx);
      });
    });
  /** Into a side branch of the guide (Back returns to where the user was). */
  const toStep = (turn: Turn, to: StepId) =>
    turn.update((current) => guideMove({ type: 'goto', to }, current, turn.ctx));
  const read = async <T>(turn: Turn, answer: (progress: Awaited<ReturnType<Turn['progress']>>) => T) =>
    answer(await turn.progress());
  router
    .verb(helpVerbs, HelpVerb.GuideStuck, ({ from, category }, turn) => stuck(turn, from, category))
    .verb(helpVerbs, HelpVerb.HelpStep, ({ view, formId, from, category, way, day, part }, turn) =>
      read(turn, (p) => [helpViewCard(view, { formId, from, category, way, day, part }, p, turn.ctx)]),
    )
    .verb(helpVerbs, HelpVerb.HelpSend, async (action, turn) => {
      const progress = await turn.progress();
      if (!deps.help) return [buttonProblemCard(progress, 'broken', turn.ctx.t)];
      return deps.help.send(turn.userId, action, progress, turn.ctx);
    })
    .intent('help', (turn) => stuck(turn, undefined))
    .intent('newPhone', (turn) => read(turn, (p) => [newPhoneCard(p, turn.ctx)]))
    .intent('lostPhone', (turn) => toStep(turn, 'lost.phone'))
    .intent('notMe', (turn) => toStep(turn, 'notMe'))
    .intent('passkeyPrompt', (turn) => toStep(turn, 'passkeyPrompt'))
    .intent('whatIsThis', (turn) => read(turn, (p) => [whatIsThisCard(p, turn.ctx)]))
    .intent('thanks', (turn) => read(turn, (p) => [thanksCard(p, turn.ctx.t)]));
}
