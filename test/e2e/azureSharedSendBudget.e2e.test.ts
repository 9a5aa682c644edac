/**
 * One Teams budget for the whole app on Azure Storage, pupils first: two built bot instances on one account
 * (Azurite) answer pupils whose turns go to either, while the built `npm run nudge` runs a campaign on the same
 * account, against a connector stand-in that enforces Teams' 50 requests a second per app
 * (test/support/pupilsTalking.ts). Every process takes its tickets from the one table in the account, so Teams
 * must never have to refuse a request (no 429), every turn is answered, pupils are not kept waiting behind the
 * campaign, the campaign still reaches everyone once, and it takes the budget back once the pupils stop.
 */
import { expect } from 'chai';
import { conversationOf } from '../support/campaignRig';
import { pupilsTalkDuringCampaign, type TalkingRun } from '../support/pupilsTalking';

const LIMIT = 50;
/** Enough that the campaign still runs 11 s after the last turn (its rate afterwards is measured then). */
const PUPILS = Number(process.env.BUDGET_PUPILS ?? 3000);
/**
 * Fewer than on SQLite: each turn costs several storage requests, and one Azurite on the test machine serves
 * them all (120 talkers kept two instances' turns waiting seconds with no campaign at all).
 */
const TALKERS = Number(process.env.BUDGET_TALKERS ?? 40);

describe('One Teams send budget on Azure Storage: pupils talk to two instances while npm run nudge runs a campaign (built bots and CLI, Azurite)', function () {
  this.timeout(600_000);
  let run: TalkingRun;

  before(async () => {
    run = await pupilsTalkDuringCampaign({
      pupils: PUPILS,
      talkers: TALKERS,
      limit: LIMIT,
      azure: { instances: 2 },
    });
    console.log(`      ${JSON.stringify(run.figures)}`);
  });

  it('Teams never has to refuse a request: no 429, and none blamed on anyone in the logs', () => {
    expect(run.throttled, '429s answered by the connector').to.equal(0);
    expect(run.figures.refusedBy).to.deep.equal([]);
  });

  it('every turn is answered in its chat, by either instance, with and without the campaign running', () => {
    expect([...run.quiet, ...run.busy].filter((t) => t.status !== 200)).to.deep.equal([]);
    expect(run.unanswered, 'turns with no answer in the chat').to.deep.equal([]);
    expect(run.busy).to.have.length(TALKERS * 4);
  });

  it('pupils are not kept waiting behind the campaign (p99 within 1.25× of the quiet run, or 250 ms more)', () => {
    const { busyP99, quietP99 } = run.figures;
    expect(busyP99).to.be.at.most(Math.max(1.25 * quietP99, quietP99 + 250));
  });

  it('the campaign still reaches every pupil, once', () => {
    expect(run.cli.code, run.cli.stderr.slice(-3000)).to.equal(0);
    expect(run.cli.stdout).to.contain(`Sent ${PUPILS};`);
    const nudged = new Set(run.nudges.map((a) => a.conversationId));
    expect(
      run.ids.filter((id) => !nudged.has(conversationOf(id))),
      'pupils not nudged',
    ).to.deep.equal([]);
    expect(run.nudges, 'nudges sent').to.have.length(PUPILS);
  });

  it('the campaign gives way while pupils talk and takes the budget back once they stop', () => {
    const { nudgesPerSecondWhileTalking, nudgesPerSecondAfter } = run.figures;
    expect(nudgesPerSecondWhileTalking).to.be.below(nudgesPerSecondAfter);
    // Not the 0.95 of SQLite: on one Azurite a campaign reaches about 0.68 of the limit with nobody talking,
    // whatever the budget (each nudge is some 13 storage requests; docs/benchmarks.md).
    expect(nudgesPerSecondAfter).to.be.above(0.5 * LIMIT);
  });
});
