/**
 * A conversation walked as a user walks it: type something or press a button, and get the one answer the bot
 * gives in that turn (or a failure saying what came instead). The same walk runs over any transport that can
 * deliver a turn and collect its answers: the in-process harness, the bot process over HTTP, the Playground.
 */
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { submitActivity, textActivity, type ActivityOptions, type TestUser } from './activities';
import { postActivity } from './botProcess';
import { button, cardsOf, headingOf, type CardView } from './cards';

/** How one transport delivers what a user does, returning all the bot answered in that turn. */
export interface WalkSteps<V> {
  say(text: string): Promise<V[]>;
  press(at: V, title: string | RegExp): Promise<V[]>;
  /** The one answer of a turn; fails, describing the answers, when there is not exactly one. */
  only(answers: V[]): V;
  heading(at: V): string;
}

export interface Walk<V> {
  /** Types `text`; the one answer. */
  say: (text: string) => Promise<V>;
  /** Presses the button titled `title` (exact, or a regex) on `at`; the one answer. */
  press: (at: V, title: string | RegExp) => Promise<V>;
  /** Presses through `path` ([button, heading of the answer it leads to]…); the last answer. */
  through: (from: V, path: [string | RegExp, string][]) => Promise<V>;
}

export function walk<V>(steps: WalkSteps<V>): Walk<V> {
  const press = async (at: V, title: string | RegExp) => steps.only(await steps.press(at, title));
  return {
    say: async (text) => steps.only(await steps.say(text)),
    press,
    through: async (from, path) => {
      let at = from;
      for (const [title, heading] of path) {
        at = await press(at, title);
        expect(steps.heading(at), `after pressing "${String(title)}"`).to.equal(heading);
      }
      return at;
    },
  };
}

/** The single card of a turn's cards (fails if there is not exactly one). */
export function onlyOne(cards: CardView[]): CardView {
  expect(cards, `expected one card, got ${cards.map(headingOf).join(' / ')}`).to.have.length(1);
  return cards[0]!;
}

/** Delivers one activity and returns the cards the bot answered it with. */
export type CardTurn = (activity: Partial<Activity>) => Promise<CardView[]>;

export interface CardWalk extends Walk<CardView> {
  turn: CardTurn;
}

/**
 * A walk as `user` over Teams activities: typed messages and Action.Submit presses, each with `options`
 * (a function, read at each turn, since a stand-in's address is often known only once it has started).
 */
export function cardWalk(
  turn: CardTurn,
  user: TestUser,
  options: () => ActivityOptions = () => ({}),
): CardWalk {
  return {
    ...walk<CardView>({
      say: (text) => turn(textActivity(user, text, options())),
      press: (at, title) => turn(submitActivity(user, button(at, title).data, options())),
      only: onlyOne,
      heading: headingOf,
    }),
    turn,
  };
}

/** A walk as `user` on anything that runs a turn in process and returns its replies (the conversation harness). */
export function harnessWalk(
  harness: { send(activity: Partial<Activity>): Promise<Partial<Activity>[]> },
  user: TestUser,
): CardWalk {
  return cardWalk(async (activity) => (await harness.send(activity)).flatMap(cardsOf), user);
}

/** A spawned bot process and the connector stand-in it answers through. */
export interface ProcessRig {
  /** The running bot (read at each turn: tests often start it after making the walk). */
  bot: () => { url: string };
  connector: {
    received: readonly { conversationId: string; replyToId?: string; activity: Partial<Activity> }[];
  };
  /** Read at each turn, as in `cardWalk`. */
  options?: () => ActivityOptions;
  /**
   * What a turn's answer is: what the turn's conversation received meanwhile (default), or only the replies
   * to the posted activity (for turns that share a chat at the same moment, on one bot process or several).
   */
  answers?: 'chat' | 'replies';
}

/**
 * One turn over a spawned bot process: the activity is POSTed to its /api/messages, which must answer 200 or
 * 201, and the answer is the cards the connector received for it meanwhile (the bot sends a turn's replies
 * before it answers the POST).
 */
export function processTurn(rig: ProcessRig): CardTurn {
  return async (activity) => {
    const answering =
      rig.answers === 'replies'
        ? (r: { replyToId?: string }) => r.replyToId === activity.id
        : (r: { conversationId: string }) => r.conversationId === activity.conversation!.id;
    const cards = () => rig.connector.received.filter(answering).flatMap((r) => cardsOf(r.activity));
    const before = cards().length;
    const response = await postActivity(rig.bot(), activity);
    expect(response.status, response.body).to.be.oneOf([200, 201]);
    return cards().slice(before);
  };
}

/** A walk as `user` over a spawned bot process, each turn a `processTurn`. */
export function processWalk(rig: ProcessRig, user: TestUser): CardWalk {
  return cardWalk(processTurn(rig), user, rig.options);
}
