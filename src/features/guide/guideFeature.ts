/** The guide: installing, starting, moving through the steps, carrying on, starting again. */
import type { AdaptiveCardJson } from '../../cards/cardTemplates';
import {
  applyGuideEvent,
  NEW_PROGRESS,
  type GuideEvent,
  type GuideProgress,
  guideStepOf,
} from '../../domain/guide/progress';
import { isFinishedStep, isMidGuide, type StepId } from '../../domain/guide/steps';
import type { Clock } from '../../ports/clock';
import type { StoredUserProgress } from '../../ports/userProgressStore';
import type { Outcome, Router, Turn } from '../router';
import { buttonProblemCard } from '../shared/answerCards';
import type { ViewContext } from '../shared/wording';
import { helloAgainCard, resumeCard } from './guideAnswerCards';
import { guideCard, welcomeCard } from './guideCards';
import { guideVerbs, GuideVerb } from './guideVerbs';

/** Install events arrive in pairs (installationUpdate and conversationUpdate): greet once. */
const WELCOME_DEDUPE_MS = 60_000;

/**
 * Moves the guide and answers with the card of the new step, or `cardFor`'s card (the help flow's, for
 * "stuck"). A move the step machine refuses answers with where the user is, and stores nothing.
 */
export function guideMove(
  event: GuideEvent,
  current: StoredUserProgress | undefined,
  ctx: ViewContext,
  cardFor: (next: GuideProgress) => AdaptiveCardJson = (next) => guideCard(next.step, next, ctx),
): Outcome {
  const base: StoredUserProgress = current ?? { ...NEW_PROGRESS, updatedAt: '' };
  const result = applyGuideEvent(base, event, ctx.methods);
  if (!result.ok) {
    const from: StepId = 'from' in event ? event.from : base.step;
    const cards =
      result.reason === 'notOffered'
        ? [buttonProblemCard(current, 'notOffered', ctx.t), guideCard(from, base, ctx)]
        : [guideCard(base.step, base, ctx)];
    return { cards };
  }
  // Restart returns a fresh record; keep only when the user was last greeted.
  const next = { ...result.progress, welcomedAt: base.welcomedAt };
  return { next, cards: [cardFor(next)] };
}

function greeting(current: GuideProgress | undefined, ctx: ViewContext): AdaptiveCardJson {
  const at = current && guideStepOf(current);
  if (!current || at === 'welcome') return welcomeCard(ctx);
  if (isFinishedStep(at!)) return helloAgainCard(ctx);
  return resumeCard(current, ctx);
}

function installed(current: StoredUserProgress | undefined, ctx: ViewContext, now: Date): Outcome {
  if (!current)
    return { next: { ...NEW_PROGRESS, welcomedAt: now.toISOString() }, cards: [welcomeCard(ctx)] };
  const last = current.welcomedAt ? Date.parse(current.welcomedAt) : 0;
  if (now.getTime() - last < WELCOME_DEDUPE_MS) return { cards: [] };
  return { next: { ...current, welcomedAt: now.toISOString() }, cards: [greeting(current, ctx)] };
}

/** The answer to an install (also the router's default for it). */
export function guideInstalled(clock: Clock): (turn: Turn) => Promise<AdaptiveCardJson[]> {
  return (turn) => turn.update((current) => installed(current, turn.ctx, clock.now()));
}

function move(turn: Turn, event: (current: StoredUserProgress | undefined) => GuideEvent) {
  return turn.update((current) => guideMove(event(current), current, turn.ctx));
}

function resume(turn: Turn) {
  const { ctx } = turn;
  return turn.update((current) => ({
    cards: [current ? guideCard(current.step, current, ctx) : welcomeCard(ctx)],
  }));
}

export function registerGuide(router: Router, deps: { clock: Clock }): void {
  router
    .verb(guideVerbs, GuideVerb.GuideStart, (_, turn) => move(turn, () => ({ type: 'start' })))
    .verb(guideVerbs, GuideVerb.GuideRestart, (_, turn) => move(turn, () => ({ type: 'restart' })))
    .verb(guideVerbs, GuideVerb.GuideResume, (_, turn) => resume(turn))
    .verb(guideVerbs, GuideVerb.GuideNext, ({ from }, turn) => move(turn, () => ({ type: 'next', from })))
    .verb(guideVerbs, GuideVerb.GuideBack, ({ from }, turn) => move(turn, () => ({ type: 'back', from })))
    .verb(guideVerbs, GuideVerb.GuideChoose, ({ from, choice }, turn) =>
      move(turn, () => ({ type: 'choose', from, choice })),
    )
    .intent('greeting', (turn) =>
      turn.update((current) =>
        current ? { cards: [greeting(current, turn.ctx)] } : installed(current, turn.ctx, deps.clock.now()),
      ),
    )
    .intent('start', (turn) =>
      turn.update((current) => {
        const at = current && guideStepOf(current);
        if (current && isMidGuide(at!)) return { cards: [resumeCard(current, turn.ctx)] };
        const type = at && isFinishedStep(at) ? 'restart' : 'start';
        return guideMove({ type }, current, turn.ctx);
      }),
    )
    .intent('restart', (turn) => move(turn, () => ({ type: 'restart' })))
    .intent('resume', resume)
    .intent('noSmartphone', (turn) =>
      turn.update((current) => ({ cards: [guideCard('noSmartphone', current ?? NEW_PROGRESS, turn.ctx)] })),
    );
}
