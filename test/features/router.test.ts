import { expect } from 'chai';
import { z } from 'zod';
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import { Router, type Turn } from '../../src/features/router';
import { viewContextAt } from '../../src/features/shared/wording';
import { INTENTS } from '../../src/domain/text/intents';
import { catalogPolicy } from '../support/cardCatalog';
import { captureLog } from '../support/logCapture';

/** A card that says which handler answered, so a test can see where a command went. */
const said = (text: string): AdaptiveCardJson => ({ type: 'AdaptiveCard', version: '1.2', body: [{ text }] });

const reply = (...cards: AdaptiveCardJson[]) => Promise.resolve(cards);

const demoVerbs = { 'demo.pick': z.object({ n: z.number().int() }) };

function router() {
  const captured = captureLog();
  const r = new Router(captured.log, {
    installed: () => reply(said('installed')),
    sensitive: (found) => reply(said(`sensitive ${found.join(',')}`)),
    unknown: () => reply(said('unknown')),
    badAction: () => reply(said('bad action')),
  });
  const turn: Turn = {
    userId: 'u1',
    ctx: viewContextAt(catalogPolicy(), new Date('2026-11-30T10:00:00Z')),
    progress: () => Promise.resolve(undefined),
    update: (decide) => reply(...decide(undefined).cards),
  };
  return { r, turn, captured };
}

describe('The feature router', () => {
  it('hands a registered verb its payload parsed by its schema, with unknown fields dropped', async () => {
    const { r, turn } = router();
    const seen: unknown[] = [];
    r.verb(demoVerbs, 'demo.pick', (action) => {
      seen.push(action);
      return reply(said(`picked ${action.n}`));
    });
    const cards = await r.route({ kind: 'action', data: { verb: 'demo.pick', n: 3, teamsExtra: 'x' } }, turn);
    expect(cards).to.deep.equal([said('picked 3')]);
    expect(seen).to.deep.equal([{ verb: 'demo.pick', n: 3 }]);
  });

  it('answers a malformed, unknown or verb-less submit with the bad-action answer and says why in the log', async () => {
    const { r, turn, captured } = router();
    r.verb(demoVerbs, 'demo.pick', () => reply(said('picked')));
    for (const data of [{ verb: 'demo.pick', n: 'three' }, { verb: 'demo.other' }, { n: 1 }, 'demo.pick']) {
      expect(await r.route({ kind: 'action', data }, turn)).to.deep.equal([said('bad action')]);
    }
    expect(captured.find(/card action rejected/).map((l) => l.problem)).to.deep.equal([
      'badPayload',
      'unknownVerb',
      'noVerb',
      'noVerb',
    ]);
  });

  it('an invoke-only verb (a card refresh): answered when invoked; as a submit a broken button; invoked unreadable, no card', async () => {
    const { r, turn, captured } = router();
    r.verb(demoVerbs, 'demo.pick', (action) => reply(said(`picked ${action.n}`)), { invokeOnly: true });
    const good = { verb: 'demo.pick', n: 2 };
    expect(await r.route({ kind: 'action', data: good, invoked: true }, turn)).to.deep.equal([
      said('picked 2'),
    ]);
    expect(await r.route({ kind: 'action', data: good }, turn)).to.deep.equal([said('bad action')]);
    // Its answer would replace a card the user did not press: nothing, so the client keeps that card.
    const unreadable = { verb: 'demo.pick', n: 'two' };
    expect(await r.route({ kind: 'action', data: unreadable, invoked: true }, turn)).to.deep.equal([]);
    expect(captured.find(/card action rejected/).map((l) => l.problem)).to.deep.equal([
      'notInvoked',
      'badPayload',
    ]);
  });

  it('reads typed commands before intents, and falls through when the command does not apply', async () => {
    const { r, turn, captured } = router();
    r.textCommand('echo', (text) => Promise.resolve(text.startsWith('echo') ? [said('echoed')] : undefined));
    r.intent('status', () => reply(said('status')));
    expect(await r.route({ kind: 'text', text: 'echo 123456' }, turn)).to.deep.equal([said('echoed')]);
    expect(await r.route({ kind: 'text', text: 'status' }, turn)).to.deep.equal([said('status')]);
    expect(await r.route({ kind: 'text', text: 'my password is Hunter22!' }, turn)).to.deep.equal([
      said('sensitive password'),
    ]);
    expect(captured.lines.join('\n')).not.to.include('Hunter22');
  });

  it('refuses to start with a verb or an intent nobody answers, and a verb registered twice', () => {
    const { r } = router();
    r.verb(demoVerbs, 'demo.pick', () => reply());
    for (const intent of INTENTS) r.intent(intent, () => reply());
    expect(() => r.assertComplete(['demo.pick'])).not.to.throw();
    expect(() => r.assertComplete(['demo.pick', 'demo.other'])).to.throw(/no handler for demo\.other/);
    expect(() => r.verb(demoVerbs, 'demo.pick', () => reply())).to.throw(/registered twice/);
  });
});
