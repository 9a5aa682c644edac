/**
 * One Teams budget for the whole app, pupils first: the built bot answers pupils in their chats while the built
 * `npm run nudge` runs a campaign of a few thousand pupils from the same DATA_DIR, against a connector stand-in
 * that enforces Teams' 50 requests a second per app (test/support/pupilsTalking.ts). Teams must never have to
 * refuse a request (no 429), every turn is answered, pupils are not kept waiting behind the campaign, the
 * campaign still reaches everyone once, and it takes the budget back once the pupils stop. The bounds on time
 * here catch the failures that cost pupils seconds (a reply queued behind the campaign or waiting out a
 * Retry-After: p99 2 s before the budget); the targets themselves (p99 within 1.25× of the quiet run, the
 * campaign above 0.95 of the limit afterwards) are measured, median of three, by `npm run bench:talking`
 * (docs/benchmarks.md), not asserted on a shared CI machine.
 */
import { describePupilsTalking } from '../support/pupilsTalkingSuite';

describePupilsTalking({
  title:
    'One Teams send budget: pupils talk to the bot while npm run nudge runs a campaign (built bot and CLI)',
  // Enough pupils that the campaign still runs 11 s after the last turn, when its rate afterwards is measured:
  // about 300 before the pupils start, 4–20 a second for their 20 s, 550 in the 11 s after, and 5 s or more to
  // spare (the run's figures say how long it outlasted the talk: campaignAfterTalkS).
  scenario: { pupils: 1500, talkers: 120, limit: 50 },
  // Kept behind the pupils' reserve it would stay near a quarter of the limit; the target (0.95) is the
  // benchmark's, since the campaign runs below normal CPU priority and a loaded machine slows it.
  afterShare: { least: 0.6, why: 'the campaign runs below normal priority on a shared machine' },
});
