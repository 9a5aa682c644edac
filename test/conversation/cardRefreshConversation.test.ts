import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { DemoDirectory } from '../../src/adapters/demo/demoDirectory';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import type { Clock } from '../../src/ports/clock';
import type { LiveMethods, RegistrationDetails, RegistrationReportFilter } from '../../src/ports/directory';
import { parseCardAction } from '../../src/features/verbs';
import {
  executeActivity,
  submitActivity,
  textActivity,
  testUser,
  type TestUser,
} from '../support/activities';
import { headingOf, onlyCard, viewCard, type CardView } from '../support/cards';
import { teamsVersionProblems } from '../support/cardChecks';
import { ConversationHarness } from '../support/conversationHarness';

/** The demo school, where a pupil can register in the middle of a test (Kate Ellis's methods: complete). */
class RegisteringDirectory extends DemoDirectory {
  readonly registered = new Set<string>();
  /** Calls that reach the directory (Graph, in production). */
  calls = 0;

  constructor(clock: Clock) {
    super(clock);
  }

  override async registrationDetails(userId: string): Promise<RegistrationDetails | undefined> {
    this.calls += 1;
    if (!this.registered.has(userId)) return super.registrationDetails(userId);
    const row = await super.registrationDetails(DEMO_USERS.kateEllis);
    return row && { ...row, userId };
  }

  override async *registrationReport(
    filter?: RegistrationReportFilter,
  ): AsyncIterable<RegistrationDetails[]> {
    this.calls += 1;
    const complete = await super.registrationDetails(DEMO_USERS.kateEllis);
    for await (const page of super.registrationReport(filter))
      yield page.map((row) => (this.registered.has(row.userId) ? { ...complete!, userId: row.userId } : row));
  }

  override async liveMethods(userId: string): Promise<LiveMethods | undefined> {
    this.calls += 1;
    if (!this.registered.has(userId)) return super.liveMethods(userId);
    const live = await super.liveMethods(DEMO_USERS.kateEllis);
    return live && { ...live, userId };
  }
}

interface Refresh {
  action: { type: string; verb: string; data: Record<string, unknown> };
  userIds?: string[];
}

/** What Teams sends when a refreshable card is shown: its refresh action, as an `adaptiveCard/action` invoke. */
function refreshInvoke(user: TestUser, card: CardView): Partial<Activity> {
  const refresh = card.card.refresh as Refresh;
  const invoke = executeActivity(user, refresh.action.verb, refresh.action.data);
  return { ...invoke, value: { ...(invoke.value as object), trigger: 'automatic' } };
}

/** The invoke's answer, as the HTTP response body Teams reads. */
function invokeAnswer(replies: Partial<Activity>[]): {
  statusCode: number;
  type: string;
  value: Record<string, unknown>;
} {
  const response = replies.find((r) => r.type === 'invokeResponse');
  expect(response, 'an invoke response').to.not.equal(undefined);
  const { status, body } = response!.value as { status: number; body: never };
  expect(status).to.equal(200);
  return body;
}

describe('Status cards that refresh themselves when opened again (CARD_REFRESH=on)', () => {
  let h: ConversationHarness;
  let directory: RegisteringDirectory;
  const sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);

  afterEach(() => h.close());

  function harness(cardRefresh: boolean): void {
    h = new ConversationHarness({
      now: '2026-12-01T10:00:00Z',
      cardRefresh,
      directoryOn: (clock) => (directory = new RegisteringDirectory(clock)),
    });
  }

  it('a status card goes out as 1.5 with a refresh for the pupil who asked, and parses cleanly at 1.5', async () => {
    harness(true);
    const card = onlyCard(await h.send(textActivity(sam, 'status')));
    expect(headingOf(card)).to.equal("You haven't started yet");
    expect(card.card.version).to.equal('1.5');
    const refresh = card.card.refresh as Refresh;
    expect(refresh.userIds).to.deep.equal([sam.teamsId]);
    expect(refresh.action).to.deep.equal({
      type: 'Action.Execute',
      verb: 'card.refresh',
      data: { verb: 'card.refresh', of: 'status' },
    });
    expect(parseCardAction(refresh.action.data).ok).to.equal(true);
    expect(teamsVersionProblems(card.card)).to.deep.equal([]);
    // The buttons stay Action.Submit: a client that does not refresh still works the card as before.
    expect(new Set(card.buttons.map((b) => b.type))).to.deep.equal(new Set(['Action.Submit']));
  });

  it('opened the next day after the pupil registered, it says "all set"; opened before, it says what is still to do', async () => {
    harness(true);
    const card = onlyCard(await h.send(textActivity(sam, 'status')));

    const same = invokeAnswer(await h.send(refreshInvoke(sam, card)));
    expect(same.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(headingOf(viewCard(same.value))).to.equal("You haven't started yet");

    directory.registered.add(DEMO_USERS.samTaylor);
    h.clock.advance(24 * 3_600_000);
    // The bot's hourly read of the registration report (a background job, not run by the harness).
    await h.status.refresh('background');
    const calls = directory.calls;
    const later = invokeAnswer(await h.send(refreshInvoke(sam, card)));
    expect(directory.calls, 'Graph calls for a refresh').to.equal(calls);
    expect(later.type).to.equal('application/vnd.microsoft.card.adaptive');
    const view = viewCard(later.value);
    expect(headingOf(view)).to.equal("You're all set ✅");
    // Still refreshable, for the same pupil only.
    expect(view.card.version).to.equal('1.5');
    expect((view.card.refresh as Refresh).userIds).to.deep.equal([sam.teamsId]);
  });

  it('answers with the card of whoever opens it, never of the pupil it was sent to', async () => {
    harness(true);
    const card = onlyCard(await h.send(textActivity(sam, 'status')));
    directory.registered.add(DEMO_USERS.samTaylor);
    h.clock.advance(24 * 3_600_000);
    await h.status.refresh('background');
    // The refresh data names no one: another user's invoke with the same data gets their own status.
    const priya = testUser('Priya Shah', DEMO_USERS.priyaShah);
    const theirs = viewCard(invokeAnswer(await h.send(refreshInvoke(priya, card))).value);
    // Priya has the app only: her own status, not Sam's.
    expect(headingOf(theirs)).to.equal(headingOf(onlyCard(await h.send(textActivity(priya, 'status')))));
    expect(headingOf(theirs)).to.not.equal("You're all set ✅");
    expect((theirs.card.refresh as Refresh).userIds).to.deep.equal([priya.teamsId]);
  });

  it('of a pupil the bot holds nothing about (no report read, no look taken), the answer is an error and the client keeps its card; Graph is not asked', async () => {
    harness(true);
    const card = onlyCard(await h.send(textActivity(sam, 'status')));
    // A new process: nothing in memory, and the report not read yet.
    h.restart();
    const calls = directory.calls;
    const kept = invokeAnswer(await h.send(refreshInvoke(sam, card)));
    expect(kept).to.deep.include({ statusCode: 500, type: 'application/vnd.microsoft.error' });
    expect(JSON.stringify(kept)).to.not.match(/Sam|Taylor/);
    expect(directory.calls, 'Graph calls for a refresh').to.equal(calls);
  });

  it('a refresh whose data the bot cannot read keeps the card (an error answer), rather than a broken-button card in its place', async () => {
    harness(true);
    const card = onlyCard(await h.send(textActivity(sam, 'status')));
    const forged = {
      ...card,
      card: {
        ...card.card,
        refresh: { action: { verb: 'card.refresh', data: { verb: 'card.refresh', of: 'guide' } } },
      },
    };
    const kept = invokeAnswer(await h.send(refreshInvoke(sam, forged)));
    expect(kept).to.deep.include({ statusCode: 500, type: 'application/vnd.microsoft.error' });
  });

  it('a card that said "all set" is never built again as less, even when what the bot holds now is older', async () => {
    harness(true);
    directory.registered.add(DEMO_USERS.samTaylor);
    // "I've done it": a live look finds Sam registered.
    const done = onlyCard(await h.send(submitActivity(sam, { verb: 'ask', intent: 'done' })));
    expect(headingOf(done)).to.equal("🎉 You're done!");
    expect((done.card.refresh as Refresh).action.data).to.deep.equal({
      verb: 'card.refresh',
      of: 'status',
      done: true,
    });
    // Another process, whose copy of the report has not caught up with Sam yet.
    directory.registered.delete(DEMO_USERS.samTaylor);
    h.restart();
    await h.status.refresh('background');
    const kept = invokeAnswer(await h.send(refreshInvoke(sam, done)));
    expect(kept).to.deep.include({ statusCode: 500, type: 'application/vnd.microsoft.error' });
    // A card that did not say so is answered from the same copy, as it stands.
    const status = onlyCard(await h.send(textActivity(sam, 'status')));
    expect(headingOf(viewCard(invokeAnswer(await h.send(refreshInvoke(sam, status))).value))).to.equal(
      "You haven't started yet",
    );
  });

  it('a refresh sent as a message (no Teams client does) is a broken button, not a status answer', async () => {
    harness(true);
    const answer = onlyCard(await h.send(submitActivity(sam, { verb: 'card.refresh', of: 'status' })));
    expect(headingOf(answer)).to.equal("Sorry, that button didn't work");
  });

  it('with CARD_REFRESH off (the default) the same card is 1.2 with no refresh, as every phone renders it', async () => {
    harness(false);
    const card = onlyCard(await h.send(textActivity(sam, 'status')));
    expect(headingOf(card)).to.equal("You haven't started yet");
    expect(card.card.version).to.equal('1.2');
    expect(card.card).to.not.have.property('refresh');
  });
});
