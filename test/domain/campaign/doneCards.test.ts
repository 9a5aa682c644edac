import { expect } from 'chai';
import { cardsToShowDone, type SentCard } from '../../../src/domain/campaign/doneCards';

describe('Which reminders in a registered pupil’s chat still need to say "done"', () => {
  const now = new Date('2027-01-05T16:00:00Z');
  const row = (nudge: string, fields: Partial<SentCard>): SentCard & { nudge: string } => ({
    nudge,
    state: 'sent',
    activityId: `id-${nudge}`,
    ...fields,
  });

  it('every reminder in the chat with a message id (sent, or sent then snoozed), not yet brought up to date', () => {
    const history = [
      row('d14', {}),
      row('d7', { state: 'snoozed' }),
      row('d7+s1', { state: 'skippedRegistered', activityId: undefined }),
      row('d3', { state: 'expired', activityId: undefined }),
    ];
    expect(cardsToShowDone(history, now, 60_000).map((r) => r.nudge)).to.deep.equal(['d14', 'd7']);
  });

  it('none without a message id (sent unconfirmed after a crash), and none shown or gone', () => {
    const history = [
      row('d14', { activityId: undefined }),
      row('d7', { doneCard: 'shown' }),
      row('d3', { doneCard: 'gone' }),
    ];
    expect(cardsToShowDone(history, now, 60_000)).to.deep.equal([]);
  });

  it('one queued counts again only once it has waited the requeue time (or with no time kept)', () => {
    const queuedAt = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const history = [
      row('d14', { doneCard: 'queued', doneCardAt: queuedAt(59_999) }),
      row('d7', { doneCard: 'queued', doneCardAt: queuedAt(60_000) }),
      row('d3', { doneCard: 'queued' }),
    ];
    expect(cardsToShowDone(history, now, 60_000).map((r) => r.nudge)).to.deep.equal(['d7', 'd3']);
  });
});
