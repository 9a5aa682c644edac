import { expect } from 'chai';
import type { DeliveryReport } from '../../src/nudges/nudgeService';
import { cardsOf } from '../support/cards';
import { CampaignRig, conversationOf } from '../support/campaignRig';
import { pupilsAndStaffPolicy, STAFF_GROUP } from './campaignPolicyFixture';

const EVENING = '📱 Do it at home this evening, with your phone.';
const MORNING = '📱 Do it at home this morning, with your phone.';

describe('Nudge campaign with a sending window per group (pupils at home, staff at work), on real HTTP', function () {
  this.timeout(60_000);
  let rig: CampaignRig;
  afterEach(async () => {
    await rig?.close();
  });

  /** The words of each card the user received, in order. */
  const words = (id: string) =>
    rig.connector
      .activitiesIn(conversationOf(id))
      .flatMap((a) => cardsOf(a))
      .map((c) => c.texts.join('\n'));

  /** A reported pass: its groups' names, when (to the minute), its members and how many it queued. */
  const passLine = (p: DeliveryReport['lastPasses'][number]) => [
    p.groups.map((g) => g.name).join(', '),
    p.at.slice(0, 16),
    p.members,
    p.queued,
  ];

  async function start(now: string): Promise<void> {
    rig = await CampaignRig.start({ policy: pupilsAndStaffPolicy(), now });
    rig.graph.groups.set(STAFF_GROUP, []);
  }

  it('at 09:00 on a school day nudges staff and not pupils; at 15:45 the pupils, with the hint; each once per stage', async () => {
    // Tuesday 27 October (GMT), the day of the 1-day reminder.
    await start('2026-10-27T09:00:00Z');
    const pupils = await Promise.all([1, 2].map((n) => rig.addUser(n)));
    const staff = await Promise.all([3, 4].map((n) => rig.addUser(n, { group: STAFF_GROUP })));
    // In both groups: pupils come first in the policy, so pupils' windows.
    const both = await rig.addUser(5);
    rig.graph.groups.get(STAFF_GROUP)!.push(both);

    await rig.run();
    for (const id of staff) {
      expect(rig.headings(id), id).to.have.length(1);
      expect(words(id)[0]).to.match(/Last chance/);
      expect(words(id)[0]).not.to.include('Do it at home');
    }
    for (const id of [...pupils, both]) expect(rig.headings(id), id).to.deep.equal([]);
    expect((await rig.parts.service.report()).lastPass).to.include({ members: 2, queued: 2 });

    rig.clock.set('2026-10-27T15:44:00Z');
    await rig.run();
    for (const id of [...pupils, both]) expect(rig.headings(id), id).to.deep.equal([]);

    rig.clock.set('2026-10-27T15:45:00Z');
    await rig.run();
    for (const id of [...pupils, both]) {
      expect(words(id), id).to.have.length(1);
      expect(words(id)[0]).to.include(EVENING);
    }
    // Staff's window is still open, but their pass has run today: only the pupils were planned. The report
    // lists each group's own pass, the pupils' first: the later pass does not hide the morning's.
    const afterPupils = await rig.parts.service.report();
    expect(afterPupils.lastPass).to.include({ members: 3, queued: 3 });
    expect(afterPupils.lastPasses.map(passLine)).to.deep.equal([
      ['Pupils', '2026-10-27T15:45', 3, 3],
      ['Staff', '2026-10-27T09:00', 2, 2],
    ]);

    rig.clock.set('2026-10-27T17:00:00Z');
    await rig.run(true);
    for (const id of [...pupils, both, ...staff]) expect(rig.headings(id), id).to.have.length(1);
    expect(rig.connector.total).to.equal(5);
    const sent = async (id: string) =>
      (await rig.ledger(id)).map((e) => [e.nudge, e.state, e.updatedAt.slice(0, 16)]);
    expect(await sent(pupils[0]!)).to.deep.equal([['d1', 'sent', '2026-10-27T15:45']]);
    expect(await sent(both)).to.deep.equal([['d1', 'sent', '2026-10-27T15:45']]);
    expect(await sent(staff[0]!)).to.deep.equal([['d1', 'sent', '2026-10-27T09:00']]);
    // The pupils' pass again (replanned): it takes the place of their earlier one, the staff's stays.
    expect((await rig.parts.service.report()).lastPasses.map(passLine)).to.deep.equal([
      ['Pupils', '2026-10-27T17:00', 3, 0],
      ['Staff', '2026-10-27T09:00', 2, 2],
    ]);
  });

  it('a pass that plans both groups together takes the place of each one’s own; a ledger with only the latest pass still reports it', async () => {
    await start('2026-10-27T09:00:00Z');
    await rig.addUser(1);
    await rig.addUser(2, { group: STAFF_GROUP });
    await rig.run();
    rig.clock.set('2026-10-27T15:45:00Z');
    await rig.run();
    expect((await rig.parts.service.report()).lastPasses.map(passLine)).to.deep.equal([
      ['Pupils', '2026-10-27T15:45', 1, 1],
      ['Staff', '2026-10-27T09:00', 1, 1],
    ]);
    // Replanned at 15:50, both windows open: one pass for both.
    rig.clock.set('2026-10-27T15:50:00Z');
    await rig.run(true);
    expect((await rig.parts.service.report()).lastPasses.map(passLine)).to.deep.equal([
      ['Pupils, Staff', '2026-10-27T15:50', 2, 0],
    ]);

    // A ledger written before passes were kept per group: its one pass, without groups.
    const { ledger, campaign } = rig.parts.deps;
    await ledger.deleteCampaign(campaign.id);
    const old = { at: '2026-10-27T09:00:00.000Z', stage: 'd1', members: 5, queued: 4, registered: 1 };
    await ledger.setMarker(campaign.id, 'lastPass', JSON.stringify(old));
    const report = await rig.parts.service.report();
    expect(report.lastPasses).to.deep.equal([{ ...old, groups: [] }]);
    expect(report.lastPass).to.deep.equal({ ...old, groups: [] });
  });

  it('pupils at 15:45 BST on Friday; on Saturday morning whoever Friday missed, in the same stage; a snooze keeps to pupils’ windows', async () => {
    // Friday 23 October, 15:45 BST: the 3-day reminder (the clocks go back on Sunday).
    await start('2026-10-23T14:45:00Z');
    const [first, second] = await Promise.all([1, 2].map((n) => rig.addUser(n)));
    await rig.run();
    for (const id of [first!, second!]) expect(words(id), id).to.have.length(1);
    expect(words(first!)[0]).to.include(EVENING);

    // Snoozed at 18:00 BST for 24 hours: Saturday's window has closed by then, so Monday after school (GMT),
    // still the 3-day stage; not the staff's or the campaign's morning.
    rig.clock.set('2026-10-23T17:00:00Z');
    const snoozed = await rig.parts.service.snooze(first!, {
      campaign: 'enforcement-2026-10-28',
      nudge: 'd3',
    });
    expect(snoozed.kind === 'snoozed' && snoozed.until.toISOString()).to.equal('2026-10-26T15:45:00.000Z');

    // A pupil added to the group on Friday night is caught up on Saturday at 09:30 BST, with the stage of Friday.
    rig.clock.set('2026-10-23T20:00:00Z');
    const late = await rig.addUser(3);
    rig.clock.set('2026-10-24T08:29:00Z');
    await rig.run();
    expect(words(late)).to.deep.equal([]);
    rig.clock.set('2026-10-24T08:30:00Z');
    await rig.run();
    expect(words(late)).to.have.length(1);
    expect(words(late)[0]).to.include(MORNING);
    expect((await rig.ledger(late)).map((e) => [e.nudge, e.state])).to.deep.equal([['d3', 'sent']]);
    for (const id of [first!, second!]) expect(words(id), id).to.have.length(1);

    // Monday 26 October, 15:45 GMT: the snoozed reminder, in the pupils' window.
    rig.clock.set('2026-10-26T09:00:00Z');
    await rig.run();
    expect(words(first!)).to.have.length(1);
    rig.clock.set('2026-10-26T15:45:00Z');
    await rig.run();
    expect(words(first!)).to.have.length(2);
    expect(words(first!)[1]).to.include(EVENING);
    expect((await rig.ledger(first!)).map((e) => [e.nudge, e.state])).to.deep.equal([
      ['d3', 'snoozed'],
      ['d3+s1', 'sent'],
    ]);
    expect(words(second!)).to.have.length(1);
  });
});
