import { expect } from 'chai';
import { forAudience, refreshable, type RefreshOf } from '../../src/cards/cardRefresh';
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import {
  actionProblems,
  declaredVersionProblems,
  fallbackTextProblems,
  layoutProblems,
  phoneWidthProblems,
  sdkEvents,
  teamsVersionProblems,
  wrapProblems,
} from '../support/cardChecks';
import { nudgeSection, statusSection } from '../support/cardCatalog';

const PUPIL = '29:1a2b3c-teams-id';

/** Every status card and nudge the catalogue renders, made refreshable as the bot makes them. */
function refreshableCards(): { id: string; card: AdaptiveCardJson; what: RefreshOf }[] {
  const status = statusSection
    .cards()
    .filter((c) => c.source === 'statusCards.statusCard')
    .map((c) => ({ id: c.id, card: c.card, what: { of: 'status' } satisfies RefreshOf }));
  const nudges = nudgeSection
    .cards()
    .filter((c) => c.source === 'nudgeCards.nudgeCard')
    .map((c) => ({
      id: c.id,
      card: c.card,
      what: {
        of: 'nudge',
        campaign: 'enforcement-2027-01-11',
        nudge: 'd7',
        hint: 'evening',
      } satisfies RefreshOf,
    }));
  return [...status, ...nudges];
}

describe('Cards that refresh themselves (Universal Actions refresh)', () => {
  const cards = refreshableCards();

  it('covers the status cards and the nudges of the catalogue', () => {
    expect(cards.filter((c) => c.what.of === 'status').length).to.be.greaterThan(10);
    expect(cards.filter((c) => c.what.of === 'nudge').length).to.be.greaterThan(5);
  });

  it('with refresh on, each goes out as 1.5 with a refresh for the one pupil, and passes every check at 1.5', () => {
    for (const { id, card, what } of cards) {
      const sent = forAudience(refreshable(card, what), { teamsUserId: PUPIL, refresh: true });
      expect(sent.version, id).to.equal('1.5');
      expect(sent.refresh, id).to.deep.equal({
        action: { type: 'Action.Execute', verb: 'card.refresh', data: { verb: 'card.refresh', ...what } },
        userIds: [PUPIL],
      });
      const problems = [
        ...teamsVersionProblems(sent),
        ...sdkEvents(sent, [1, 5]),
        ...actionProblems(sent),
        ...wrapProblems(sent),
        ...phoneWidthProblems(sent),
        ...fallbackTextProblems(sent),
        ...layoutProblems(sent),
      ];
      expect(problems, id).to.deep.equal([]);
      // Apart from the clause and the version, it is the 1.2 card every phone renders.
      const unmarked: Record<string, unknown> = { ...sent, version: card.version };
      delete unmarked.refresh;
      expect(unmarked, id).to.deep.equal(card);
      expect(declaredVersionProblems(card), id).to.deep.equal([]);
    }
  });

  it('with refresh off, or no Teams id to address it to, each goes out exactly as it was built (1.2, no refresh)', () => {
    for (const { id, card, what } of cards) {
      const marked = refreshable(card, what);
      expect(forAudience(marked, { teamsUserId: PUPIL, refresh: false }), id).to.deep.equal(card);
      expect(forAudience(marked, { refresh: true }), id).to.deep.equal(card);
      expect(forAudience(marked, undefined), id).to.deep.equal(card);
    }
  });

  it('leaves a card that is not refreshable alone, refresh on or not', () => {
    const card = cards[0]!.card;
    expect(forAudience(card, { teamsUserId: PUPIL, refresh: true })).to.equal(card);
  });

  it('the checks still ask a refresh action for a verb the bot knows, and count it as no button', () => {
    const sent = forAudience(refreshable(cards[0]!.card, { of: 'status' }), {
      teamsUserId: PUPIL,
      refresh: true,
    });
    const forged = {
      ...sent,
      refresh: {
        ...(sent.refresh as object),
        action: { type: 'Action.Execute', verb: 'x', data: { verb: 'x' } },
      },
    };
    expect(actionProblems(forged).join()).to.match(/Action.Execute at \$\.refresh\.action carries no verb/);
    const badPayload = {
      ...sent,
      refresh: {
        ...(sent.refresh as object),
        action: { type: 'Action.Execute', verb: 'card.refresh', data: { verb: 'card.refresh', of: 'guide' } },
      },
    };
    expect(actionProblems(badPayload).join()).to.match(/rejects its payload/);
    // Six buttons are allowed; the refresh action beside them is not a seventh.
    const button = { type: 'Action.Submit', title: 'Go', data: { verb: 'guide.start' } };
    const six = { ...sent, actions: Array.from({ length: 6 }, () => button) };
    expect(actionProblems(six)).to.deep.equal([]);
    expect(actionProblems({ ...six, actions: [...six.actions, button] }).join()).to.match(/7 actions/);
  });
});
