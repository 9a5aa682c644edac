import { expect } from 'chai';
import type { AdaptiveCardJson } from '../../src/cards/cardTemplates';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import {
  checkingCard,
  statusCard,
  statusUnavailableCard,
  unknownAccountCard,
} from '../../src/conversation/statusCards';
import { parseCardAction } from '../../src/conversation/verbs';
import { viewContextAt } from '../../src/conversation/wording';
import { evaluateRegistration } from '../../src/domain/registration/evaluateRegistration';
import type { RegisteredMethod } from '../../src/domain/registration/methods';
import { SAMPLE_POLICY_PATH } from '../support/conversationHarness';
import { viewCard } from '../support/cards';

interface AdaptiveCardsSdk {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new (version: unknown) => {
    eventCount: number;
    getEventAt(i: number): { message: string };
  };
  Version: new (major: number, minor: number) => unknown;
}
// The package's lib/ build fails on Node 20; its browser bundle works (engineering.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsSdk;

/** Problems the Adaptive Cards SDK finds in `card`, plus the house rules it does not check. */
function problems(card: AdaptiveCardJson): string[] {
  const sdkCard = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(1, 5));
  sdkCard.parse(card, context);
  const found = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
  found.push(...sdkCard.validateProperties().validationEvents.map((e) => e.message));
  if (card.version !== '1.2') found.push(`version ${card.version}`);
  const view = viewCard(card);
  if (view.buttons.length < 1 || view.buttons.length > 6) found.push(`${view.buttons.length} buttons`);
  for (const b of view.buttons) {
    if (b.type === 'Action.Submit' && !parseCardAction(b.data).ok)
      found.push(`bad action data on "${b.title}"`);
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    if (el.type === 'TextBlock' && el.wrap !== true && !/^\d+\.$/.test(String(el.text)))
      found.push(`no wrap: ${String(el.text)}`);
    if (el.type === 'ColumnSet' && Array.isArray(el.columns) && el.columns.length > 3)
      found.push('more than 3 columns');
    for (const key of ['body', 'items', 'columns']) walk(el[key]);
  };
  walk(card.body);
  if (JSON.stringify(card).includes('${')) found.push('unexpanded template expression');
  return found;
}

describe('Status cards (templating + Adaptive Cards SDK)', () => {
  const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
  const ctx = viewContextAt(policy, new Date('2026-11-30T10:00:00Z'));
  const now = new Date('2026-11-30T10:00:00Z');
  const m = (kind: Exclude<RegisteredMethod['kind'], 'email'>): RegisteredMethod => ({ kind });
  const samples: [string, RegisteredMethod[]][] = [
    ['nothing', []],
    ['app only', [m('authenticatorApp')]],
    ['phone only', [m('mobilePhone')]],
    ['school email', [m('authenticatorApp'), { kind: 'email', onSchoolDomain: true }]],
    ['questions', [m('authenticatorApp'), m('securityQuestions')]],
    [
      'complete',
      [m('authenticatorApp'), { kind: 'email', onSchoolDomain: false }, m('authenticatorPasskey')],
    ],
    ['unchecked email', [m('authenticatorApp'), { kind: 'email' }]],
    ['everything', [m('passkey'), m('hardwareOath'), m('windowsHello'), m('officePhone'), m('other')]],
  ];

  for (const [what, methods] of samples) {
    for (const afterCheck of [false, true]) {
      it(`${what}${afterCheck ? ' (after a live check)' : ''} is a valid card a phone can show`, () => {
        const evaluation = evaluateRegistration(methods, ctx.methods);
        const card = statusCard(
          {
            evaluation,
            snapshot: {
              userId: 'u',
              methods,
              source: afterCheck ? 'live' : 'report',
              asOf: '2026-11-30T07:00:00Z',
            },
            afterCheck,
            now,
          },
          ctx,
        );
        expect(problems(card)).to.deep.equal([]);
        expect(String(card.fallbackText)).to.have.length.greaterThan(20);
      });
    }
  }

  it('the checking, unavailable and unknown-account cards are valid too', () => {
    for (const card of [
      checkingCard('status', undefined),
      checkingCard('done', { step: 'first.app.scan', history: [] }),
      statusUnavailableCard(undefined, ctx),
      unknownAccountCard(undefined),
    ])
      expect(problems(card)).to.deep.equal([]);
  });
});
