import { expect } from 'chai';
import { textActivity, testUser } from '../support/activities';
import { headingOf, onlyCard } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';
import { SMALL_PEOPLE, SmallSchoolDirectory } from '../support/itView/smallSchool';

const TEAMS_APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const TEAMS_IT_APP_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3309';

describe("IT's view in chat: progress", () => {
  let h: ConversationHarness;
  let directory: SmallSchoolDirectory;
  beforeEach(() => {
    directory = new SmallSchoolDirectory();
    h = new ConversationHarness({
      now: '2026-12-01T10:00:00Z',
      directory,
      teamsAppId: TEAMS_APP_ID,
      teamsItAppId: TEAMS_IT_APP_ID,
    });
  });
  afterEach(() => h.close());

  const ada = testUser('Ada Admin', SMALL_PEOPLE.ada);
  const dee = testUser('Dee Dale', SMALL_PEOPLE.dee);

  it("IT staff get the overview: a row per group with what is done and what is left, and a button to the IT app's tab", async () => {
    const card = onlyCard(await h.send(textActivity(ada, 'Progress')));
    expect(headingOf(card)).to.equal('📊 Registration progress, Tuesday 1 December 2026');
    expect(card.texts).to.include(
      '**2 of 8** people are done (25%). The deadline is Monday 11 January 2027.',
    );
    const row = (group: string) => card.texts.slice(card.texts.indexOf(group), card.texts.indexOf(group) + 3);
    // The warning first, then the table.
    expect(card.texts[2]).to.match(/^⚠️ 2 people sign in with texts or calls only/);
    expect(card.texts.slice(3, 6)).to.deep.equal(['Group', 'Done', 'Still to do']);
    expect(row('Whole school')).to.deep.equal([
      'Whole school',
      '2/8 · 25%',
      '2 phone-only · 1 partly · 2 not started · 1 not known yet',
    ]);
    expect(row('Year 7')).to.deep.equal(['Year 7', '1/3 · 33%', '1 phone-only · 1 partly']);
    expect(row('Year 8')).to.deep.equal(['Year 8', '0/3 · 0%', '2 not started · 1 not known yet']);
    expect(row('All pupils')).to.deep.equal([
      'All pupils',
      '1/6 · 16%',
      '1 phone-only · 1 partly · 2 not started · 1 not known yet',
    ]);
    expect(row('All staff')).to.deep.equal(['All staff', '1/2 · 50%', '1 phone-only']);
    expect(card.texts).to.include(
      '⚠️ 2 people sign in with texts or calls only. Those stop on 1 February 2027: they will be locked out unless they add the app.',
    );
    expect(card.buttons).to.deep.equal([
      {
        title: 'Open the progress tab',
        type: 'Action.OpenUrl',
        data: undefined,
        // The tab is in the IT app; the bot's app (TEAMS_APP_ID) has no such tab.
        url: `https://teams.microsoft.com/l/entity/${TEAMS_IT_APP_ID}/itProgress`,
      },
    ]);
    // Counted from one report pass and one listing per group: never a call per person.
    expect(directory.calls).to.deep.include({ reportPasses: 1, perUser: 0 });
  });

  it('Teams desktop and web draw the overview as a stacked bar per group, with the same figures as the table', async () => {
    const card = onlyCard(await h.send(textActivity(ada, 'progress')));
    const body = (card.card as { body: Record<string, unknown>[] }).body;
    const charts = body.filter((e) => e.type === 'Chart.HorizontalBar.Stacked');
    expect(charts).to.have.length(1);
    const chart = charts[0] as {
      title: string;
      data: { title: string; data: { legend: string; value: number; color: string }[] }[];
      fallback: { type: string };
    };
    expect(chart.title).to.equal('People by group');
    const series = ['done', 'phone-only', 'partly', 'not started', 'not known yet'];
    const bars = chart.data.map((bar) => {
      expect(bar.data.map((d) => d.legend)).to.deep.equal(series);
      return [bar.title, ...bar.data.map((d) => d.value)];
    });
    // One bar per group, in the table's order (the sample policy's Years 9 to 13 have nobody here).
    expect(bars.filter((b) => !/^Year (9|1[0-3])$/.test(b[0] as string))).to.deep.equal([
      ['Whole school', 2, 2, 1, 2, 1],
      ['Year 7', 1, 1, 1, 0, 0],
      ['Year 8', 0, 0, 0, 2, 1],
      ['All pupils', 1, 1, 1, 2, 1],
      ['All staff', 1, 1, 0, 0, 0],
    ]);
    expect(bars.map((b) => b[0])).to.have.length(10);
    // Bar by bar, what the table (the chart's fallback, which is what every other client shows) says.
    expect(chart.fallback.type).to.equal('Container');
    for (const [group, done, ...left] of bars as [string, number, ...number[]][]) {
      const at = card.texts.indexOf(group);
      const total = done + left.reduce((a, b) => a + b, 0);
      expect(card.texts[at + 1]).to.match(new RegExp(`^${done}/${total} · `));
      const words = left
        .map((n, i) => (n > 0 ? `${n} ${series[i + 1]}` : undefined))
        .filter((w) => w !== undefined);
      expect(card.texts[at + 2]).to.equal(words.length > 0 ? words.join(' · ') : 'nobody');
    }
    expect(card.card.version).to.equal('1.2');
  });

  it("without the IT app's id (TEAMS_IT_APP_ID) the overview has no button, even with the bot's app id", async () => {
    h.close();
    h = new ConversationHarness({ now: '2026-12-01T10:00:00Z', directory, teamsAppId: TEAMS_APP_ID });
    const card = onlyCard(await h.send(textActivity(ada, 'progress')));
    expect(headingOf(card)).to.equal('📊 Registration progress, Tuesday 1 December 2026');
    expect(card.buttons).to.deep.equal([]);
    expect(JSON.stringify(card.card)).to.not.include('teams.microsoft.com/l/entity');
  });

  it('a second "progress" within minutes is answered from the same count, with no new directory calls', async () => {
    await h.send(textActivity(ada, 'progress'));
    const before = { ...directory.calls };
    h.clock.advance(60_000);
    onlyCard(await h.send(textActivity(ada, 'progress')));
    expect(directory.calls).to.deep.equal(before);
  });

  it('a pupil typing "progress" gets their own status, as before, and no figures', async () => {
    const card = onlyCard(await h.send(textActivity(dee, 'progress')));
    expect(headingOf(card)).to.equal("You haven't started yet");
    const everything = JSON.stringify(card.card);
    expect(everything).to.not.match(/Registration progress|Whole school|Year 7|\d+\/\d+ ·/);
    expect(card.buttons.map((b) => b.type)).to.not.include('Action.OpenUrl');
    expect(directory.calls.groupListing).to.equal(0);
  });

  it('a pupil is not kept waiting when Graph is slow to say who is IT staff: the ordinary answer within the turn', async function () {
    this.timeout(10_000);
    directory.isTransitiveMemberOf = () => new Promise<boolean>(() => undefined);
    // Before, the turn waited on the membership check for ever (this test's time-out).
    const card = onlyCard(await h.send(textActivity(dee, 'progress')));
    expect(headingOf(card)).to.equal("You haven't started yet");
  });

  describe('when counting takes longer than a turn may wait', () => {
    let gate: () => void;
    beforeEach(() => {
      h.close();
      directory = new SmallSchoolDirectory();
      // The group listings wait until the test lets them go: a big school's first count on a slow directory.
      const opened = new Promise<void>((resolve) => (gate = resolve));
      const listing = directory.transitiveMembers.bind(directory);
      directory.transitiveMembers = (groupId: string) =>
        (async function* () {
          await opened;
          yield* listing(groupId);
        })();
      h = new ConversationHarness({ now: '2026-12-01T10:00:00Z', directory, inTurnWaitMs: 200 });
    });

    it('says it is still counting, and the next "progress" is answered from the count that went on', async () => {
      const first = onlyCard(await h.send(textActivity(ada, 'progress')));
      expect(headingOf(first)).to.equal('⏳ Still counting');
      expect(JSON.stringify(first.card)).to.not.match(/\d+\/\d+/);
      gate();
      await h.itView.progress.view();
      const listings = directory.calls.groupListing;
      const second = onlyCard(await h.send(textActivity(ada, 'progress')));
      expect(headingOf(second)).to.equal('📊 Registration progress, Tuesday 1 December 2026');
      expect(directory.calls.groupListing).to.equal(listings);
    });
  });
});
