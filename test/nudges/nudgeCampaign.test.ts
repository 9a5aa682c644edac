import { expect } from 'chai';
import type { PlanLine } from '../../src/nudges/campaignPlanner';
import { registeredMarker } from '../../src/nudges/campaignContext';
import { NudgeWorker } from '../../src/nudges/nudgeWorker';
import { newWorkerId } from '../../src/nudges/workerProcess';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { RegistrationStatusService } from '../../src/status/registrationStatusService';
import type { SendOutcome } from '../../src/ports/messenger';
import { cardsOf, headingOf, viewCard } from '../support/cards';
import { teamsVersionProblems } from '../support/cardChecks';
import { graphMethod, type GraphMethodJson } from '../support/graph/methodShapes';
import { CampaignRig, conversationOf, EXCLUDED_GROUP, userIdOf } from '../support/campaignRig';
import type { BlockCode } from '../support/connectorStandIn';
import { clockChangePolicy } from './campaignPolicyFixture';
import { until } from '../support/until';

describe('Nudge campaign on real HTTP (Teams connector and Graph stand-ins)', function () {
  this.timeout(60_000);
  let rig: CampaignRig;
  afterEach(async () => {
    await rig?.close();
  });

  describe('once per stage, at the local window opening, across the clock change', () => {
    let targets: string[];
    let nobody: string[];

    // Twenty pupils to nudge, and five not to: registered, in the excluded group, disabled, outside the target.
    beforeEach(async () => {
      rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T07:59:00Z' });
      targets = await Promise.all(Array.from({ length: 20 }, (_, i) => rig.addUser(i + 1)));
      const registered = await Promise.all([21, 22, 23].map((n) => rig.addUser(n, { registered: true })));
      const excluded = await rig.addUser(24);
      rig.graph.groups.get(EXCLUDED_GROUP)!.push(excluded);
      const disabled = await rig.addUser(25, { user: { accountEnabled: false } });
      const outsider = await rig.addUser(26, { group: null });
      nobody = [...registered, excluded, disabled, outsider];
    });

    /** Friday 23 October, 09:00 BST (08:00 UTC): the d3 window opens and its pass runs. */
    async function fridayAtNine(): Promise<void> {
      rig.clock.set('2026-10-23T08:00:00Z');
      await rig.run();
    }

    /** Pupil 5 registers over the weekend and the report catches up: the d1 stage must skip them. */
    function pupilFiveRegisters(): void {
      rig.graph.setMethods(targets[4]!, [
        graphMethod.password(),
        graphMethod.authenticator(),
        graphMethod.email('p5@example.com'),
      ]);
      rig.graph.syncReport(targets[4]);
    }

    it('sends nothing on Friday at 08:59 BST, before the window opens', async () => {
      await rig.run();
      expect(rig.connector.total).to.equal(0);
      expect(await rig.ledger(targets[0]!)).to.deep.equal([]);
    });

    it('at 09:00 BST nudges each pupil to nudge once, and nobody registered, excluded, disabled or outside', async () => {
      await fridayAtNine();
      for (const id of targets)
        expect(rig.headings(id), id).to.deep.equal([
          'Reminder, Pupil' + id.slice(-2).replace(/^0/, '') + ': 5 days left',
        ]);
      for (const id of nobody) expect(rig.headings(id), id).to.deep.equal([]);
      expect(
        (await rig.ledger(targets[0]!)).map((e) => [e.nudge, e.state, e.updatedAt.slice(0, 16)]),
      ).to.deep.equal([['d3', 'sent', '2026-10-23T08:00']]);
    });

    it('a later pass the same day finds nothing owed', async () => {
      await fridayAtNine();
      rig.clock.set('2026-10-23T13:00:00Z');
      await rig.run(true);
      expect(rig.connector.total).to.equal(20);
      expect(rig.headings(targets[0]!)).to.have.length(1);
    });

    it('on Monday after the clocks go back, 08:30 UTC (inside the window a week before) is outside it', async () => {
      await fridayAtNine();
      rig.clock.set('2026-10-26T08:30:00Z');
      expect(await rig.parts.planner.planIfDue(true)).to.deep.equal({
        kind: 'skipped',
        reason: 'windowShut',
      });
    });

    it('sends nothing more on Tuesday at 08:59 GMT, before the window opens', async () => {
      await fridayAtNine();
      pupilFiveRegisters();
      rig.clock.set('2026-10-27T08:59:00Z');
      await rig.run();
      expect(rig.connector.total).to.equal(20);
      expect((await rig.ledger(targets[0]!)).map((e) => e.nudge)).to.deep.equal(['d3']);
    });

    it('on Tuesday at 09:00 GMT sends the last chance to all but the pupil who registered, and reports it', async () => {
      await fridayAtNine();
      pupilFiveRegisters();
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      for (const id of targets.filter((t) => t !== targets[4])) {
        expect(rig.headings(id), id).to.have.length(2);
        expect(rig.headings(id)[1]).to.match(/Last chance.*tomorrow/);
      }
      expect(rig.headings(targets[4]!)).to.have.length(1);
      expect(
        (await rig.ledger(targets[0]!)).map((e) => [e.nudge, e.state, e.updatedAt.slice(0, 16)]),
      ).to.deep.equal([
        ['d1', 'sent', '2026-10-27T09:00'],
        ['d3', 'sent', '2026-10-23T08:00'],
      ]);
      const report = await rig.parts.service.report();
      expect(report.counts.byState).to.deep.equal({ sent: 39 });
      expect(report.lastPass).to.include({ registered: 4, excluded: 1, disabled: 1 });
    });
  });

  describe('a reminder that refreshes itself when opened again (CARD_REFRESH=on)', () => {
    async function nudgedWithRefresh() {
      rig = await CampaignRig.start({
        policy: clockChangePolicy(),
        now: '2026-10-23T08:00:00Z',
        env: { CARD_REFRESH: 'on' },
      });
      // Teams greets by the first word of the display name; the campaign by the directory's given name.
      const id = await rig.addUser(1, { user: { displayName: 'Alex Morgan', givenName: 'Alex' } });
      await rig.run();
      const sent = rig.connector.activitiesIn(conversationOf(id)).flatMap((a) => cardsOf(a));
      expect(sent.map(headingOf)).to.have.length(1);
      return { id, card: sent[0]!.card };
    }

    it('goes out as 1.5, refreshed for the pupil only, saying which nudge it is', async () => {
      const { id, card } = await nudgedWithRefresh();
      expect(card.version).to.equal('1.5');
      expect(card.refresh).to.deep.equal({
        action: {
          type: 'Action.Execute',
          verb: 'card.refresh',
          data: { verb: 'card.refresh', of: 'nudge', campaign: 'enforcement-2026-10-28', nudge: 'd3' },
        },
        userIds: [`29:${id}`],
      });
      expect(teamsVersionProblems(card)).to.deep.equal([]);
    });

    it('opened later the same day it is the same reminder; opened after the pupil registered it says "You\'re all set"', async () => {
      const { id, card } = await nudgedWithRefresh();
      rig.clock.set('2026-10-23T13:00:00Z');
      const same = await rig.opens(id, card, 'Alex Morgan');
      expect(same.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(same.value).to.deep.equal(card);

      rig.graph.setMethods(id, [
        graphMethod.password(),
        graphMethod.authenticator(),
        graphMethod.email('p1@example.com'),
      ]);
      rig.graph.syncReport(id);
      rig.clock.set('2026-10-24T09:00:00Z');
      // The bot's hourly read of the registration report.
      await rig.parts.deps.status.refresh('background');
      const done = await rig.opens(id, card, 'Alex Morgan');
      expect(headingOf(viewCard(done.value))).to.equal("You're all set ✅");
      expect((done.value.refresh as { userIds: string[] }).userIds).to.deep.equal([`29:${id}`]);
      // Shown in place by the pupil's own client: nothing new was sent to the chat.
      expect(rig.connector.total).to.equal(1);
    });

    it('opened again after "Remind me tomorrow" was pressed on it, it is the reminder without that button', async () => {
      const { id, card } = await nudgedWithRefresh();
      expect(viewCard(card).buttons.map((b) => b.title)).to.include('Remind me tomorrow');
      await rig.parts.service.snooze(id, { campaign: 'enforcement-2026-10-28', nudge: 'd3' });
      const again = viewCard((await rig.opens(id, card, 'Alex Morgan')).value);
      expect(headingOf(again)).to.equal(headingOf(viewCard(card)));
      expect(again.buttons.map((b) => b.title)).to.deep.equal([
        'Start now ▶',
        'I need help',
        "I've done it ✔",
      ]);
    });

    it('opened after the deadline, when the campaign is over, it is the status card: no snooze, no days left', async () => {
      const { id, card } = await nudgedWithRefresh();
      rig.clock.set('2026-10-29T10:00:00Z');
      const after = viewCard((await rig.opens(id, card, 'Alex Morgan')).value);
      expect(headingOf(after)).to.equal("You haven't started yet");
      expect(after.buttons.map((b) => b.title)).to.not.include('Remind me tomorrow');
      expect((after.card.refresh as { action: { data: unknown } }).action.data).to.deep.equal({
        verb: 'card.refresh',
        of: 'status',
      });
    });

    it("opened after the pupil's own check found them done, before the bot's copy of the report has, it is kept", async () => {
      const { id, card } = await nudgedWithRefresh();
      await rig.parts.service.noteRegistered(id);
      rig.clock.set('2026-10-23T13:00:00Z');
      expect(await rig.opens(id, card, 'Alex Morgan')).to.deep.include({
        statusCode: 500,
        type: 'application/vnd.microsoft.error',
      });
    });

    it('opened on Monday, still not registered, it says the days left then, and keeps its buttons', async () => {
      const { id, card } = await nudgedWithRefresh();
      rig.clock.set('2026-10-26T10:00:00Z');
      const monday = viewCard((await rig.opens(id, card, 'Alex Morgan')).value);
      expect(monday.texts.join('\n')).to.match(/2 days left/);
      expect(viewCard(card).texts.join('\n')).to.match(/5 days left/);
      expect(monday.buttons.map((b) => b.title)).to.deep.equal(viewCard(card).buttons.map((b) => b.title));
    });
  });

  describe('a reminder already in the chat of a pupil who registered since', () => {
    /** Two pupils nudged on Friday 23 October at 09:00 BST; both register over the weekend. */
    /** Pupils 1…count nudged on Friday 23 October at 09:00 BST, and the ids of their reminders' messages. */
    async function nudgedOnFriday(count: number, connector?: { knownConversations: string[] }) {
      rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z', connector });
      const ids = await Promise.all(Array.from({ length: count }, (_, i) => rig.addUser(i + 1)));
      await rig.run();
      const friday = ids.map(
        (id) => rig.connector.received.find((r) => r.conversationId === conversationOf(id))!.id,
      );
      return { ids, friday };
    }

    /** Pupil `n` adds the app and `second`, and the report catches up. */
    function registers(id: string, n: number, second = graphMethod.email(`p${n}@example.com`)): void {
      rig.graph.setMethods(id, [graphMethod.password(), graphMethod.authenticator(), second]);
      rig.graph.syncReport(id);
    }

    /** Two pupils nudged on Friday; both register over the weekend. */
    async function bothNudgedThenRegistered(
      connector?: { knownConversations: string[] },
      second?: GraphMethodJson,
    ) {
      const nudged = await nudgedOnFriday(2, connector);
      nudged.ids.forEach((id, i) => registers(id, i + 1, second));
      return nudged;
    }

    const updates = () =>
      rig.connector.updated.map((u) => [u.conversationId, u.activityId, cardsOf(u.activity).map(headingOf)]);

    it('becomes their status card at the next pass, in place: "You\'re all set", nothing new in the chat', async () => {
      const { ids, friday } = await bothNudgedThenRegistered();
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      expect(updates()).to.have.deep.members(
        ids.map((id, i) => [conversationOf(id), friday[i], ["You're all set ✅"]]),
      );
      expect(rig.connector.total, 'messages sent').to.equal(2);
      for (const [i, id] of ids.entries())
        // The row still says when the reminder was sent; the card's change has its own time.
        expect(
          (await rig.ledger(id)).map((e) => [
            e.nudge,
            e.state,
            e.activityId,
            e.updatedAt.slice(0, 16),
            e.doneCard,
            e.doneCardAt?.slice(0, 16),
          ]),
        ).to.deep.equal([['d3', 'sent', friday[i], '2026-10-23T08:00', 'shown', '2026-10-27T09:00']]);
      expect((await rig.parts.service.report()).lastPass).to.include({ registered: 2, cardsToUpdate: 2 });
    });

    it('is brought up to date once: a later pass updates nothing more', async () => {
      await bothNudgedThenRegistered();
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      rig.clock.set('2026-10-27T13:00:00Z');
      await rig.run(true);
      expect(rig.connector.server.requestsTo(/\/activities\/reply-/, 'PUT')).to.have.length(2);
      expect((await rig.parts.service.report()).lastPass).to.include({ registered: 2, cardsToUpdate: 0 });
    });

    it('in a chat that is gone (the app removed) is recorded gone and not tried again', async () => {
      const { ids, friday } = await bothNudgedThenRegistered({
        knownConversations: [1, 2].map((n) => conversationOf(userIdOf(n))),
      });
      rig.connector.removeConversation(conversationOf(ids[0]!));
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      rig.clock.set('2026-10-27T13:00:00Z');
      await rig.run(true);
      expect(updates()).to.deep.equal([[conversationOf(ids[1]!), friday[1], ["You're all set ✅"]]]);
      expect(rig.connector.server.requestsTo(/\/activities\/reply-/, 'PUT')).to.have.length(2);
      expect((await rig.ledger(ids[0]!)).map((e) => e.doneCard)).to.deep.equal(['gone']);
    });

    it('that Teams refuses to change (a 400) is given up: recorded gone, not asked again', async () => {
      const { ids, friday } = await bothNudgedThenRegistered();
      rig.connector.server.failNext(
        {
          kind: 'status',
          status: 400,
          body: { error: { code: 'BadArgument', message: 'Unknown activity.' } },
        },
        { method: 'PUT', path: new RegExp(`/activities/${friday[0]}$`) },
      );
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      rig.clock.set('2026-10-27T13:00:00Z');
      await rig.run(true);
      expect(updates()).to.deep.equal([[conversationOf(ids[1]!), friday[1], ["You're all set ✅"]]]);
      expect((await rig.ledger(ids[0]!)).map((e) => e.doneCard)).to.deep.equal(['gone']);
      expect(rig.connector.server.requestsTo(/\/activities\/reply-/, 'PUT')).to.have.length(2);
    });

    it('that the pupil snoozed is brought up to date too (the snooze was answered with a new message)', async () => {
      const nudged = await nudgedOnFriday(1);
      const [id, friday] = [nudged.ids[0]!, nudged.friday[0]!];
      await rig.parts.service.snooze(id, { campaign: 'enforcement-2026-10-28', nudge: 'd3' });
      registers(id, 1);
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      expect(updates()).to.deep.equal([[conversationOf(id), friday, ["You're all set ✅"]]]);
      expect((await rig.ledger(id)).map((e) => [e.nudge, e.state, e.doneCard])).to.deep.include([
        'd3',
        'snoozed',
        'shown',
      ]);
    });

    it('is left for a later pass while the worker does not see the pupil registered yet, then changed', async () => {
      const nudged = await nudgedOnFriday(1);
      const [id, friday] = [nudged.ids[0]!, nudged.friday[0]!];
      // An "I've done it" check found them done (the planner counts them registered); the report has not caught up.
      await rig.parts.deps.ledger.setMarker(
        rig.parts.deps.campaign.id,
        registeredMarker(id),
        '2026-10-26T18:00:00Z',
      );
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      expect(updates()).to.deep.equal([]);
      expect((await rig.ledger(id)).map((e) => e.doneCard)).to.deep.equal(['queued']);
      registers(id, 1);
      rig.clock.set('2026-10-27T13:00:00Z');
      await rig.run(true);
      expect(updates()).to.deep.equal([[conversationOf(id), friday, ["You're all set ✅"]]]);
    });

    /**
     * Pupils 1…count nudged on Friday from a report last updated on Thursday; pupil 1 registers on Saturday, which
     * only a live look sees (the report has not caught up), and no window is open, so no pass runs.
     */
    async function firstRegistersOnSaturday(count: number) {
      rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
      const ids = await Promise.all(Array.from({ length: count }, (_, i) => rig.addUser(i + 1)));
      for (const id of ids) rig.graph.syncReport(id, '2026-10-22T18:00:00Z');
      await rig.run();
      const friday = rig.connector.received.find((r) => r.conversationId === conversationOf(ids[0]!))!.id;
      rig.graph.setMethods(ids[0]!, [
        graphMethod.password(),
        graphMethod.authenticator(),
        graphMethod.email('p1@example.com'),
      ]);
      rig.clock.set('2026-10-24T10:00:00Z');
      return { ids, friday };
    }

    it('changes within moments of the pupil\'s own "I\'ve done it" that finds them done: no pass needed', async () => {
      const { ids, friday } = await firstRegistersOnSaturday(2);
      const [id, other] = ids as [string, string];
      await rig.says(id, "I've done it");
      // The turn answers first; its check queues the change beside it.
      await until(async () => (await rig.parts.deps.queue.approximateCount()) > 0, {
        what: 'the change queued',
      });
      await rig.parts.worker.drain(300, 20);
      expect(updates()).to.deep.equal([[conversationOf(id), friday, ["You're all set ✅"]]]);
      expect((await rig.ledger(id)).map((e) => [e.state, e.doneCard])).to.deep.equal([['sent', 'shown']]);
      expect(rig.connector.total, 'messages sent').to.equal(2);
      // The other pupil said nothing and is not registered: their reminder is left as it was.
      expect((await rig.ledger(other)).map((e) => e.doneCard)).to.deep.equal([undefined]);
    });

    it('changes after "I\'ve done it" in another process too: the worker takes its own live look', async () => {
      const { ids, friday } = await firstRegistersOnSaturday(1);
      const id = ids[0]!;
      // The bot's check found them done (its live look stays in the bot's process); this worker is another
      // process, such as npm run nudge, and the report still says nothing is registered.
      await rig.parts.service.noteRegistered(id);
      const looks = () => rig.graph.tenant.server.requestsTo(/\/authentication\/methods/).length;
      const looksBefore = looks();
      await rig.parts.worker.drain(300, 20);
      expect(updates()).to.deep.equal([[conversationOf(id), friday, ["You're all set ✅"]]]);
      expect(looks() - looksBefore, 'live looks').to.equal(1);
    });

    it('takes one live look per pupil, not one per reminder, when their "I\'ve done it" mark is not borne out', async () => {
      rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
      const id = await rig.addUser(1);
      rig.graph.syncReport(id, '2026-10-22T18:00:00Z');
      await rig.run();
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      expect((await rig.ledger(id)).map((e) => e.state)).to.deep.equal(['sent', 'sent']);
      // Marked registered (a check elsewhere), but Graph still shows nothing registered: both reminders are queued.
      await rig.parts.deps.ledger.setMarker(
        rig.parts.deps.campaign.id,
        registeredMarker(id),
        '2026-10-27T12:00:00Z',
      );
      rig.clock.set('2026-10-27T13:00:00Z');
      await rig.parts.planner.planIfDue(true);
      const looks = () => rig.graph.tenant.server.requestsTo(/\/authentication\/methods/).length;
      const looksBefore = looks();
      await rig.parts.worker.drain(300, 20);
      expect(looks() - looksBefore, 'live looks').to.equal(1);
      expect(updates()).to.deep.equal([]);
    });

    it('is queued once however many passes run before the worker gets to it', async () => {
      await bothNudgedThenRegistered();
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.parts.planner.planIfDue(true);
      await rig.parts.planner.planIfDue(true);
      expect(await rig.parts.deps.queue.approximateCount()).to.equal(2);
      await rig.parts.worker.drain(300, 20);
      expect(rig.connector.server.requestsTo(/\/activities\/reply-/, 'PUT')).to.have.length(2);
    });

    it('is counted by the dry run, which changes nothing', async () => {
      // A phone as the second method: the report alone shows them registered (an email would need a look first).
      const { ids } = await bothNudgedThenRegistered(undefined, graphMethod.phone('mobile'));
      rig.clock.set('2026-10-27T09:00:00Z');
      const lines: PlanLine[] = [];
      const summary = await rig.parts.planner.pass({ dryRun: { line: (l) => lines.push(l) } });
      expect(summary).to.include({ registered: 2, cardsToUpdate: 2 });
      expect(lines.map((l) => l.action)).to.deep.equal(['registered', 'registered']);
      await rig.parts.worker.drain(300, 20);
      expect(rig.connector.server.requestsTo(/\/activities\/reply-/, 'PUT')).to.deep.equal([]);
      for (const id of ids) expect((await rig.ledger(id)).map((e) => e.doneCard)).to.deep.equal([undefined]);
    });

    it('of a pupil not registered stays as it is, and the next stage is sent as a new message', async () => {
      rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
      const id = await rig.addUser(1);
      await rig.run();
      rig.clock.set('2026-10-27T09:00:00Z');
      await rig.run();
      expect(rig.connector.updated).to.deep.equal([]);
      expect(rig.headings(id)).to.have.length(2);
      expect((await rig.ledger(id)).map((e) => e.doneCard)).to.deep.equal([undefined, undefined]);
    });
  });

  it('keeps to the Teams limits when told to go faster: 429s are waited out, 5xx retried, 403 recorded once', async () => {
    rig = await CampaignRig.start({
      policy: clockChangePolicy(),
      now: '2026-10-23T08:00:00Z',
      connector: {
        // Well under the worker's pace, so that some sends are still refused after the connector client's own
        // retries and the worker itself must wait them out.
        app: { limit: 30, windowMs: 1000 },
        failureRate: 0.04,
        seed: 7,
        blocked: [conversationOf(userIdOf(1)), conversationOf(userIdOf(2))],
      },
      env: { NUDGE_SENDS_PER_SECOND: '150', TEAMS_SENDS_PER_SECOND: '151', NUDGE_CONCURRENCY: '24' },
    });
    const ids = await Promise.all(Array.from({ length: 160 }, (_, i) => rig.addUser(i + 1)));
    // One chat answers 429 to the connector client's first try and its three retries, so a 429 reaches the
    // worker whatever the machine's speed (the random ones may all be absorbed by the client's retries).
    rig.connector.server.failNext(
      { kind: 'status', status: 429, retryAfterSeconds: 1 },
      { method: 'POST', path: new RegExp(`/conversations/${conversationOf(ids[2]!)}/activities`), times: 4 },
    );
    await rig.run();
    expect(rig.connector.throttled, 'the stand-in refused some sends').to.be.greaterThan(0);
    expect(rig.connector.refused.serverError).to.be.greaterThan(0);
    for (const id of ids.slice(2)) expect(rig.connector.delivered.get(conversationOf(id)), id).to.equal(1);
    expect(rig.connector.refused.blocked).to.equal(2);
    const blocked = await rig.ledger(ids[0]!);
    expect(blocked.map((e) => [e.state, e.detail])).to.deep.equal([['blocked', 'ConversationBlockedByUser']]);
    // At 30/s some 429s outlast the connector client's own retries and reach the worker, which pauses every send.
    expect(rig.parts.worker.stats.throttled).to.be.at.least(1);
    const toThird = rig.connector.server.requestsTo(new RegExp(`/conversations/${conversationOf(ids[2]!)}/`));
    expect(toThird.slice(0, 4).map((r) => r.status)).to.deep.equal([429, 429, 429, 429]);

    // The next stage: the blocked users are not tried again; everyone else gets exactly one more.
    rig.clock.set('2026-10-27T09:00:00Z');
    await rig.run();
    expect(rig.connector.refused.blocked).to.equal(2);
    for (const id of ids.slice(2)) expect(rig.connector.delivered.get(conversationOf(id)), id).to.equal(2);
    const report = await rig.parts.service.report();
    expect(report.counts.byState).to.include({ sent: 316, blocked: 2 });
  });

  it('records why each chat is gone, as Teams said it: the admin disabled the bot, writes blocked, the app uninstalled', async () => {
    const chat = (n: number) => conversationOf(userIdOf(n));
    rig = await CampaignRig.start({
      policy: clockChangePolicy(),
      now: '2026-10-23T08:00:00Z',
      connector: {
        knownConversations: [1, 2, 3, 4].map(chat),
        blocked: new Map<string, BlockCode>([
          [chat(1), 'BotDisabledByAdmin'],
          [chat(2), 'MessageWritesBlocked'],
        ]),
      },
    });
    const ids = await Promise.all([1, 2, 3, 4].map((n) => rig.addUser(n)));
    // The third pupil removed the app after the bot had stored their chat.
    rig.connector.removeConversation(chat(3));
    await rig.run();
    const outcomes = await Promise.all(
      ids.map(async (id) => (await rig.ledger(id)).map((e) => [e.nudge, e.state, e.detail])),
    );
    expect(outcomes).to.deep.equal([
      [['d3', 'blocked', 'BotDisabledByAdmin']],
      [['d3', 'blocked', 'MessageWritesBlocked']],
      [['d3', 'blocked', 'NotFound']],
      [['d3', 'sent', undefined]],
    ]);
    expect(rig.connector.refused).to.include({ blocked: 2, notFound: 1 });
    expect(rig.headings(ids[3]!)).to.have.length(1);
  });

  /** A tenant without the registration report (no Entra ID P1), one pupil, on the first day of the d3 stage. */
  async function oneUserWithoutReport(): Promise<string> {
    rig = await CampaignRig.start({
      policy: clockChangePolicy(),
      now: '2026-10-23T08:00:00Z',
      premium: false,
    });
    return rig.addUser(1);
  }

  it('without a registration report (no Entra ID P1), looks again before the next stage: registered since → skipped', async () => {
    const id = await oneUserWithoutReport();
    await rig.run();
    expect(rig.headings(id)).to.have.length(1);
    const looks = () =>
      rig.graph.budgetedRequests().filter((r) => r.path.includes('/authentication/methods')).length;
    expect(looks()).to.equal(1);

    // The pupil registers between the stages; with no report only a fresh live look can tell.
    rig.graph.setMethods(id, [
      graphMethod.password(),
      graphMethod.authenticator(),
      graphMethod.email('p1@example.com'),
    ]);
    rig.clock.set('2026-10-27T09:00:00Z');
    await rig.run();
    expect(rig.headings(id)).to.have.length(1);
    expect((await rig.ledger(id)).map((e) => [e.nudge, e.state])).to.deep.equal([
      ['d1', 'skippedRegistered'],
      ['d3', 'sent'],
    ]);
    expect(looks()).to.equal(2);
  });

  it('without a report, and Graph failing at the next stage, the nudge goes out on the older look', async () => {
    const id = await oneUserWithoutReport();
    // Part-way: the app, no second method.
    rig.graph.setMethods(id, [graphMethod.password(), graphMethod.authenticator()]);
    await rig.run();
    const words = () =>
      rig.connector
        .activitiesIn(conversationOf(id))
        .flatMap((a) => cardsOf(a))
        .map((c) => c.texts.join(' '));
    expect(words()).to.have.length(1);
    expect(words()[0]).to.match(/You've made a start/);

    rig.graph.tenant.server.failNext(
      { kind: 'status', status: 503 },
      { path: /\/authentication\/methods/, times: 50 },
    );
    rig.clock.set('2026-10-27T09:00:00Z');
    await rig.run();
    expect(words()).to.have.length(2);
    // Not "You haven't set up…": what was known is still said.
    expect(words()[1]).to.match(/You've made a start/);
  });

  it('counts only real failures towards failed: five 429s and one 5xx, then the send goes through', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const id = await rig.addUser(1);
    // The worker sees these answers in turn, then the real connector's. Each 429 brings the message back,
    // raising its dequeue count, which once decided `failed`.
    const real = rig.parts.deps.messenger;
    const answers: SendOutcome[] = [
      ...Array.from({ length: 5 }, () => ({ kind: 'throttled', retryAfterMs: 10 }) as const),
      { kind: 'failed', status: 502, error: 'Bad Gateway' },
    ];
    rig.parts.deps.messenger = {
      sendToUser: (userId, cards, options) =>
        Promise.resolve(answers.shift() ?? real.sendToUser(userId, cards, options)),
      sendToChat: (userId, chatId, cards, options) => real.sendToChat(userId, chatId, cards, options),
      updateCard: (userId, activityId, card, options) => real.updateCard(userId, activityId, card, options),
    };
    await rig.run();
    expect(answers).to.have.length(0);
    expect(rig.headings(id)).to.have.length(1);
    expect((await rig.ledger(id)).map((e) => [e.state, e.attempts, e.failures])).to.deep.equal([
      ['sent', 7, 1],
    ]);
  });

  it("a retry is not lost to a slow queue: a look that began before the retry was back doesn't end the pass", async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const id = await rig.addUser(1);
    // One 502, so the send comes back after about a second (backoff, not a 429's short wait).
    const real = rig.parts.deps.messenger;
    let failures = 1;
    // Every method named: the real messenger is a class, whose methods a spread would not copy.
    rig.parts.deps.messenger = {
      sendToUser: (userId, cards, options) =>
        failures-- > 0
          ? Promise.resolve({ kind: 'failed', status: 502, error: 'Bad Gateway' })
          : real.sendToUser(userId, cards, options),
      sendToChat: (userId, chatId, cards, options) => real.sendToChat(userId, chatId, cards, options),
      updateCard: (userId, activityId, card, options) => real.updateCard(userId, activityId, card, options),
    };
    // A store that answers an empty look late, after the retry is due: the look saw the queue before it was.
    const queue = rig.parts.deps.queue;
    const receive = queue.receive.bind(queue);
    rig.parts.deps.queue = Object.assign(Object.create(queue) as typeof queue, {
      receive: async (...args: Parameters<typeof queue.receive>) => {
        const received = await receive(...args);
        if (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 1500));
        return received;
      },
    });
    await rig.run();
    expect(rig.headings(id)).to.have.length(1);
    expect((await rig.ledger(id)).map((e) => [e.state, e.attempts, e.failures])).to.deep.equal([
      ['sent', 2, 1],
    ]);
  });

  it('nudges a user who blocked the bot again once they write to it, in the same chat, a day later', async () => {
    rig = await CampaignRig.start({
      policy: clockChangePolicy(),
      now: '2026-10-23T08:00:00Z',
      connector: { blocked: [conversationOf(userIdOf(1))] },
    });
    const id = await rig.addUser(1);
    await rig.run();
    expect((await rig.ledger(id)).map((e) => [e.nudge, e.state])).to.deep.equal([['d3', 'blocked']]);

    // Saturday: the pupil unblocks the bot and writes to it, in the chat it already knows.
    rig.connector.unblock(conversationOf(id));
    rig.clock.set('2026-10-24T10:00:00Z');
    await rig.says(id, 'hi');
    rig.clock.set('2026-10-27T09:00:00Z');
    await rig.run();
    expect(rig.headings(id)).to.have.length(1);
    expect(rig.headings(id)[0]).to.match(/Last chance.*tomorrow/);
    expect((await rig.ledger(id)).map((e) => [e.nudge, e.state])).to.deep.equal([
      ['d1', 'sent'],
      ['d3', 'blocked'],
    ]);
  });

  it('snoozes: the reminder comes back at the next window after the snooze, and the snoozes run out', async () => {
    rig = await CampaignRig.start({
      policy: clockChangePolicy({ snoozeMax: 1 }),
      now: '2026-10-23T08:00:00Z',
    });
    const id = await rig.addUser(1);
    await rig.run();
    const first = rig.connector.activitiesIn(conversationOf(id));
    expect(first).to.have.length(1);
    const titles = (a: (typeof first)[number]) => cardsOf(a)[0]!.buttons.map((b) => b.title);
    expect(titles(first[0]!)).to.deep.equal([
      'Start now ▶',
      'Remind me tomorrow',
      'I need help',
      "I've done it ✔",
    ]);
    const snooze = cardsOf(first[0]!)[0]!.buttons.find((b) => b.title === 'Remind me tomorrow')!.data;
    expect(snooze).to.deep.equal({ verb: 'nudge.snooze', campaign: 'enforcement-2026-10-28', nudge: 'd3' });

    rig.clock.set('2026-10-23T10:00:00Z');
    const result = await rig.parts.service.snooze(id, { campaign: 'enforcement-2026-10-28', nudge: 'd3' });
    expect(result.kind).to.equal('snoozed');
    // 24 hours is Saturday 10:00: the reminder waits for Monday's window, 09:00 GMT.
    expect(result.kind === 'snoozed' && result.until.toISOString()).to.equal('2026-10-26T09:00:00.000Z');
    expect(result.kind === 'snoozed' && result.snoozesLeft).to.equal(0);
    expect(
      await rig.parts.service.snooze(id, { campaign: 'enforcement-2026-10-28', nudge: 'd3' }),
    ).to.include({ kind: 'snoozed' });

    rig.clock.set('2026-10-26T09:00:00Z');
    await rig.run(true);
    const all = rig.connector.activitiesIn(conversationOf(id));
    expect(all).to.have.length(2);
    // No snoozes left: no snooze button.
    expect(titles(all[1]!)).to.deep.equal(['Start now ▶', 'I need help', "I've done it ✔"]);
    expect((await rig.ledger(id)).map((e) => [e.nudge, e.state])).to.deep.equal([
      ['d3', 'snoozed'],
      ['d3+s1', 'sent'],
    ]);
    expect(
      await rig.parts.service.snooze(id, { campaign: 'enforcement-2026-10-28', nudge: 'd3+s1' }),
    ).to.deep.equal({ kind: 'noneLeft' });
    expect(
      await rig.parts.service.snooze(id, { campaign: 'enforcement-2027-01-11', nudge: 'd3' }),
    ).to.deep.equal({ kind: 'over' });
  });

  it('installs the app for users with no conversation, and records why not for those it cannot reach', async () => {
    rig = await CampaignRig.start({
      policy: clockChangePolicy(),
      now: '2026-10-23T08:00:00Z',
      apps: { unlicensed: [userIdOf(2)], blockedByPolicy: [userIdOf(3)] },
    });
    const fresh = await rig.addUser(1, { conversation: false });
    const unlicensed = await rig.addUser(2, { conversation: false });
    const blocked = await rig.addUser(3, { conversation: false });
    const guest = await rig.addUser(4, { conversation: false, user: { userType: 'Guest' } });
    await rig.run(false, 2500);
    expect(rig.apps.installed.has(fresh)).to.equal(true);
    expect(rig.headings(fresh)).to.have.length(1);
    const outcome = async (id: string) => (await rig.ledger(id)).map((e) => [e.state, e.detail ?? '']);
    expect(await outcome(fresh)).to.deep.equal([['sent', '']]);
    expect(await outcome(unlicensed)).to.deep.equal([['notInstallable', 'noTeamsLicence']]);
    expect(await outcome(blocked)).to.deep.equal([['notInstallable', 'blockedByPolicy']]);
    expect(await outcome(guest)).to.deep.equal([['notInstallable', 'guest']]);
    expect(rig.apps.posts).to.equal(3);
  });

  /** A rig with one pupil whose d3 nudge a dead worker took 30 s ago, with or without its request leaving. */
  async function startWithDeadTake(options: { onWire: boolean }): Promise<string> {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const id = await rig.addUser(1);
    const { ledger, queue, campaign } = rig.parts.deps;
    const key = { campaignId: campaign.id, userId: id, nudge: 'd3' };
    await ledger.claim([{ ...key, group: 'Pupils', at: '2026-10-23T08:00:00.000Z' }]);
    const row = (await ledger.get(key))!;
    await ledger.update(key, row.etag, {
      attempts: 1,
      attemptBy: 'worker-dead',
      attemptAt: '2026-10-23T07:59:30.000Z',
      ...(options.onWire ? { onWireAt: '2026-10-23T07:59:30.010Z' } : {}),
      updatedAt: '2026-10-23T07:59:30.010Z',
    });
    await queue.enqueue([key]);
    return id;
  }

  /** A worker id of a process on this machine that has ended (a child that ran and exited). */
  async function workerOfAnEndedProcess(): Promise<string> {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    return `worker-${os.hostname()}~${child.pid}~~0badc0de`;
  }

  /** Three pupils' nudges held for a minute by `holder`: pupil 1's send taken, pupil 2's taken and on the wire. */
  async function heldBy(holder: string): Promise<string[]> {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const ids = await Promise.all([1, 2, 3].map((n) => rig.addUser(n)));
    const { ledger, queue, campaign } = rig.parts.deps;
    const keys = ids.map((userId) => ({ campaignId: campaign.id, userId, nudge: 'd3' }));
    await ledger.claim(keys.map((k) => ({ ...k, group: 'Pupils', at: '2026-10-23T08:00:00.000Z' })));
    for (const [i, key] of keys.slice(0, 2).entries()) {
      const row = (await ledger.get(key))!;
      await ledger.update(key, row.etag, {
        attempts: 1,
        attemptBy: holder,
        attemptAt: '2026-10-23T07:59:59.000Z',
        ...(i === 1 ? { onWireAt: '2026-10-23T07:59:59.010Z' } : {}),
        updatedAt: '2026-10-23T07:59:59.010Z',
      });
    }
    await queue.enqueue(keys);
    expect(await queue.receive(3, 60_000, holder)).to.have.length(3);
    return ids;
  }

  it('takes back at once what a process that has ended held (no wait for the timeout): sends what had not left', async () => {
    const [taken, onWire, held] = await heldBy(await workerOfAnEndedProcess());
    await rig.parts.worker.drain(200, 20);
    expect(rig.headings(taken!)).to.have.length(1);
    expect(rig.headings(held!)).to.have.length(1);
    // On the wire when its process died: recorded, not sent again.
    expect(rig.headings(onWire!)).to.deep.equal([]);
    expect((await rig.ledger(onWire!)).map((e) => e.detail)).to.deep.equal(['unconfirmed']);
    expect(rig.parts.worker.stats).to.include({ interrupted: 1, inDoubt: 1 });
  });

  it('a send that left and got no answer in time is recorded unconfirmed, not sent again (it landed late)', async () => {
    let slow = true;
    rig = await CampaignRig.start({
      policy: clockChangePolicy(),
      now: '2026-10-23T08:00:00Z',
      env: { NUDGE_SEND_TIMEOUT_MS: '500' },
      // The first send reaches Teams, which answers only after the bot has stopped waiting.
      connector: {
        onArrival: async () => {
          if (!slow) return;
          slow = false;
          await new Promise((resolve) => setTimeout(resolve, 1500));
        },
      },
    });
    const id = await rig.addUser(1);
    await rig.run(false, 2500);
    expect(rig.connector.delivered.get(conversationOf(id))).to.equal(1);
    expect((await rig.ledger(id)).map((e) => [e.state, e.detail, e.inDoubt])).to.deep.equal([
      ['sent', 'unconfirmed', true],
    ]);
  });

  it('never takes back what a running process holds', async () => {
    // Another worker of this very process (alive): its messages come back only after their timeout.
    const [taken] = await heldBy(newWorkerId());
    await rig.parts.worker.drain(200, 20);
    expect(rig.connector.total).to.equal(0);
    expect((await rig.ledger(taken!)).map((e) => e.state)).to.deep.equal(['queued']);
  });

  it('records a send a dead worker left on the wire as sent but unconfirmed, and does not repeat it', async () => {
    // A worker took the send 30 s ago (longer than the visibility timeout), its request went out, and it never
    // recorded an answer.
    const id = await startWithDeadTake({ onWire: true });
    await rig.parts.worker.drain(200, 20);
    expect(rig.connector.total).to.equal(0);
    expect((await rig.ledger(id)).map((e) => [e.state, e.detail, e.inDoubt])).to.deep.equal([
      ['sent', 'unconfirmed', true],
    ]);
    expect(rig.parts.worker.stats.inDoubt).to.equal(1);
    // The planner does not queue it again either.
    await rig.run(true);
    expect(rig.connector.total).to.equal(0);
  });

  it('sends a nudge whose worker died after taking it and before its request left, once', async () => {
    // The take was stored, but its worker died before the request left (no onWireAt): nothing reached Teams.
    const id = await startWithDeadTake({ onWire: false });
    await rig.parts.worker.drain(200, 20);
    expect(rig.connector.total).to.equal(1);
    expect((await rig.ledger(id)).map((e) => [e.state, e.detail, e.attempts])).to.deep.equal([
      ['sent', undefined, 2],
    ]);
    expect(rig.parts.worker.stats).to.include({ inDoubt: 0, interrupted: 1 });
  });
});

describe("Nudge campaign: pupils whose second method is their school email (the report can't show it)", function () {
  this.timeout(60_000);
  let rig: CampaignRig;
  afterEach(async () => {
    await rig?.close();
  });

  /** A pupil with the app and an email method at `address`: complete by the report whatever the address. */
  async function appAndEmail(n: number, address: string): Promise<string> {
    return rig.addUser(n, {
      user: {
        methods: [graphMethod.password(), graphMethod.authenticator(), graphMethod.email(address)],
      },
    });
  }

  /** Live looks at users' methods that reached the Graph stand-in. */
  const looksAt = () =>
    rig.graph.budgetedRequests().filter((r) => /\/authentication\/methods/.test(r.path)).length;

  it('looks once at each, nudges those on the school address saying so, and remembers until their row changes', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const schoolEmail = await appAndEmail(1, 'pupil1@kscs.org.uk');
    const personalEmail = await appAndEmail(2, 'pupil2@example.com');
    const nothing = await rig.addUser(3);

    // The dry run shows who needs a look, and takes none.
    const dry: PlanLine[] = [];
    await rig.parts.planner.pass({ dryRun: { line: (l) => dry.push(l) } });
    expect(dry.map((l) => [l.userId, l.action, l.why])).to.deep.equal([
      [schoolEmail, 'check', 'emailUnchecked'],
      [personalEmail, 'check', 'emailUnchecked'],
      [nothing, 'nudge', undefined],
    ]);
    expect(looksAt()).to.equal(0);

    await rig.run();
    expect(rig.headings(schoolEmail)).to.deep.equal(['Reminder, Pupil1: 5 days left']);
    const card = JSON.stringify(cardsOf(rig.connector.activitiesIn(conversationOf(schoolEmail))[0]!));
    expect(card).to.include('Your second method is your school email (@kscs.org.uk or');
    expect(card).to.include('A personal email (not school)');
    expect(rig.headings(personalEmail)).to.deep.equal([]);
    expect(rig.headings(nothing)).to.have.length(1);
    expect(looksAt()).to.equal(2);
    const report = await rig.parts.service.report();
    expect(report.lastPass).to.include({ emailLooks: 2, schoolEmail: 1, emailUnchecked: 0, registered: 1 });

    // The next stage: what the looks found still holds (nobody changed anything), so no look is taken again.
    rig.clock.set('2026-10-27T09:00:00Z');
    const dryAgain: PlanLine[] = [];
    await rig.parts.planner.pass({ dryRun: { line: (l) => dryAgain.push(l) } });
    expect(dryAgain.find((l) => l.userId === schoolEmail)).to.include({
      action: 'nudge',
      problem: 'schoolEmail',
    });
    expect(dryAgain.find((l) => l.userId === personalEmail)).to.include({ action: 'registered' });

    // Pupil 2 swaps their personal email for the school one; the report catches up: one look, and a nudge.
    rig.graph.setMethods(personalEmail, [
      graphMethod.password(),
      graphMethod.authenticator(),
      graphMethod.email('pupil2@kscs.org.uk'),
    ]);
    rig.graph.syncReport(personalEmail, new Date(Date.now() + 60_000).toISOString());
    await rig.parts.deps.status.refresh('background');
    await rig.run();
    expect(looksAt()).to.equal(3);
    expect(rig.headings(schoolEmail)).to.have.length(2);
    expect(rig.headings(personalEmail)).to.deep.equal(['⚠️ Last chance, Pupil2: tomorrow']);
  });

  it('outside the window the looks are taken ahead, once a day, and the pass then needs none', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-22T19:00:00Z' });
    const schoolEmail = await appAndEmail(1, 'pupil1@kscs.org.uk');
    await appAndEmail(2, 'pupil2@example.com');
    await rig.addUser(3, { registered: true, user: { accountEnabled: false } });
    expect(await rig.parts.planner.checkAhead()).to.deep.equal({ kind: 'checked', looks: 2 });
    expect(await rig.parts.planner.checkAhead()).to.deep.equal({ kind: 'skipped', reason: 'doneToday' });
    rig.clock.set('2026-10-23T08:00:00Z');
    expect(await rig.parts.planner.checkAhead()).to.deep.equal({ kind: 'skipped', reason: 'open' });
    await rig.run();
    expect(looksAt()).to.equal(2);
    expect(rig.headings(schoolEmail)).to.deep.equal(['Reminder, Pupil1: 5 days left']);
    expect((await rig.parts.service.report()).lastPass).to.include({ emailLooks: 0, schoolEmail: 1 });
  });

  it('a worker that never saw the look (another instance) still nudges the pupil on the school address', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T08:00:00Z' });
    const schoolEmail = await appAndEmail(1, 'pupil1@kscs.org.uk');
    // Planned only: the look is remembered in the ledger.
    await rig.parts.planner.planIfDue();
    // Another instance's worker: it has read the report, and never saw this process's look.
    const { deps } = rig.parts;
    const status = new RegistrationStatusService({
      directory: deps.directory,
      clock: deps.clock,
      log: deps.log,
      options: { refreshEveryMs: 0 },
    });
    await status.refresh('background');
    const worker = new NudgeWorker({ ...deps, status });
    await worker.drain(300, 20);
    expect(worker.stats.results).to.include({ sent: 1, skippedRegistered: 0 });
    expect(rig.headings(schoolEmail)).to.deep.equal(['Reminder, Pupil1: 5 days left']);
    expect(looksAt()).to.equal(1);
  });
});
