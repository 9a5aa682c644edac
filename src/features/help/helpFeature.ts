/**
 * "I need help": "I'm stuck" (which the guide records), the steps of the help form, sending it to the desk,
 * and the short answers to what people type when something went wrong (new phone, lost phone, what is this).
 */
import { randomBytes } from 'node:crypto';
import { guideMove } from '../guide/guideFeature';
import type { Router, Turn } from '../router';
import { buttonProblemCard, thanksCard } from '../shared/answerCards';
import type { StepId } from '../../domain/guide/steps';
import { lostPhoneCard, newPhoneCard, whatIsThisCard } from './helpAnswerCards';
import { helpStartCard, helpViewCard } from './helpCards';
import type { HelpReplies } from './helpReplies';
import { helpVerbs, HelpVerb } from './helpVerbs';

export interface HelpFeatureDeps {
  help?: HelpReplies;
  /** A fresh id for each help flow (one escalation per flow, however often it is sent). */
  newFormId?: () => string;
}

export function registerHelp(router: Router, deps: HelpFeatureDeps): void {
  const newFormId = () => deps.newFormId?.() ?? randomBytes(9).toString('base64url');
  const stuck = (turn: Turn, from: StepId | undefined) =>
    turn.update((current) => {
      const at = from ?? current?.step ?? 'welcome';
      return guideMove({ type: 'stuck', from: at }, current, turn.ctx, () =>
        helpStartCard({ formId: newFormId(), from: at }, turn.ctx),
      );
    });
  const read = async <T>(turn: Turn, answer: (progress: Awaited<ReturnType<Turn['progress']>>) => T) =>
    answer(await turn.progress());
  router
    .verb(helpVerbs, HelpVerb.GuideStuck, ({ from }, turn) => stuck(turn, from))
    .verb(helpVerbs, HelpVerb.HelpStep, ({ view, formId, from, category, way, day, part }, turn) =>
      read(turn, (p) => [helpViewCard(view, { formId, from, category, way, day, part }, p, turn.ctx)]),
    )
    .verb(helpVerbs, HelpVerb.HelpSend, async (action, turn) => {
      const progress = await turn.progress();
      if (!deps.help) return [buttonProblemCard(progress, 'broken')];
      return deps.help.send(turn.userId, action, progress, turn.ctx);
    })
    .intent('help', (turn) => stuck(turn, undefined))
    .intent('newPhone', (turn) => read(turn, (p) => [newPhoneCard(p, turn.ctx)]))
    .intent('lostPhone', (turn) => read(turn, (p) => [lostPhoneCard(p, turn.ctx)]))
    .intent('whatIsThis', (turn) => read(turn, (p) => [whatIsThisCard(p, turn.ctx)]))
    .intent('thanks', (turn) => read(turn, (p) => [thanksCard(p)]));
}
