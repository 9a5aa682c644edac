/**
 * What must be true when pupils talk to the bot while `npm run nudge` runs a campaign, whatever the storage:
 * one `describe` with one scenario run (test/support/pupilsTalking.ts) and the five things a school would
 * check. The SQLite and Azure Storage suites differ only in their set-up and the campaign's rate afterwards.
 */
import { expect } from 'chai';
import { conversationOf } from './campaignRig';
import { pupilsTalkDuringCampaign, type TalkingOptions, type TalkingRun } from './pupilsTalking';

export interface TalkingSuite {
  title: string;
  scenario: TalkingOptions;
  /** The least share of the limit the campaign must reach once the pupils stop, and why that share. */
  afterShare: { least: number; why: string };
}

export function describePupilsTalking({ title, scenario, afterShare }: TalkingSuite): void {
  const { pupils, talkers, limit = 50 } = scenario;
  describe(title, function () {
    this.timeout(600_000);
    let run: TalkingRun;

    before(async () => {
      run = await pupilsTalkDuringCampaign(scenario);
      console.log(`      ${JSON.stringify({ ...run.figures, followUps: run.followUps.length })}`);
    });

    it('Teams never has to refuse a request: no 429, and none blamed on anyone in the logs', () => {
      expect(run.throttled, '429s answered by the connector').to.equal(0);
      expect(run.figures.refusedBy).to.deep.equal([]);
    });

    it('every turn is answered in its chat, with and without the campaign running', () => {
      expect([...run.quiet, ...run.busy].filter((t) => t.status !== 200)).to.deep.equal([]);
      expect(run.unanswered, 'turns with no answer in the chat').to.deep.equal([]);
      expect(run.busy).to.have.length(talkers * 4);
    });

    it('pupils are not kept waiting behind the campaign (p99 within 1.25× of the quiet run, or 250 ms more)', () => {
      const { busyP99, quietP99 } = run.figures;
      expect(busyP99).to.be.at.most(Math.max(1.25 * quietP99, quietP99 + 250));
    });

    it("no pupil's reply is held for want of a ticket (p99 0 ms, none as long as the budget's own warning, 250 ms)", () => {
      const { replyTickets } = run.figures;
      expect(replyTickets, "each bot's closing line on its sends").to.be.an('object');
      if (!replyTickets) return;
      // At least one reply a turn, each through a bot's budget: the warm-up's four, then every talker's four
      // twice (a request the connector client sends again after a timeout takes a ticket again).
      expect(replyTickets.sent).to.be.at.least(4 + talkers * 4 * 2);
      expect(replyTickets.heldP99Ms, 'p99 of the time the rule held a reply').to.equal(0);
      expect(replyTickets.heldMaxMs, 'the longest a reply was held').to.be.below(250);
    });

    it('the campaign still reaches every pupil, once', () => {
      expect(run.cli.code, run.cli.stderr.slice(-3000)).to.equal(0);
      expect(run.cli.stdout).to.contain(`Sent ${pupils};`);
      const nudged = new Set(run.nudges.map((a) => a.conversationId));
      expect(
        run.ids.filter((id) => !nudged.has(conversationOf(id))),
        'pupils not nudged',
      ).to.deep.equal([]);
      expect(run.nudges, 'nudges sent').to.have.length(pupils);
    });

    it('nothing else is sent on its own but the answers "checking…" promised, one each, in their chats', () => {
      expect(run.unowedFollowUps).to.deep.equal([]);
    });

    it(`the campaign gives way while pupils talk and takes the budget back once they stop (above ${afterShare.least} of the limit: ${afterShare.why})`, () => {
      const { nudgesPerSecondWhileTalking, nudgesPerSecondAfter } = run.figures;
      expect(nudgesPerSecondWhileTalking).to.be.below(nudgesPerSecondAfter);
      expect(nudgesPerSecondAfter).to.be.above(afterShare.least * limit);
    });
  });
}
