import { expect } from 'chai';
import sinon from 'sinon';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import type { ExportedGrant } from '../../src/ports/temporaryAccessPassGrants';
import {
  passExpiry,
  type PassOutcome,
  type PassRefusalReason,
  type PassRequest,
  type TemporaryAccessPassIssuer,
} from '../../src/ports/temporaryAccessPasses';
import {
  executeActivity,
  submitActivity,
  testUser,
  textActivity,
  type TestUser,
} from '../support/activities';
import { button, headingOf, onlyCard, viewCard, type CardView } from '../support/cards';
import { ConversationHarness, SAMPLE_POLICY_PATH } from '../support/conversationHarness';
import { captureLog, type CapturedLog } from '../support/logCapture';

/** Issues passes holding markdown characters (they must show as typed), or refuses as told; counts calls. */
class ScriptedIssuer implements TemporaryAccessPassIssuer {
  readonly kind = 'demo' as const;
  readonly passes: string[] = [];
  calls = 0;
  refuse: PassRefusalReason | undefined;

  constructor(private readonly now: () => Date) {}

  issue(_userId: string, request: PassRequest): Promise<PassOutcome> {
    this.calls += 1;
    if (this.refuse) return Promise.resolve({ kind: 'refused', reason: this.refuse });
    const pass = `T*p_${this.calls}#Q`;
    this.passes.push(pass);
    const startsAt = this.now().toISOString();
    return Promise.resolve({
      kind: 'issued',
      pass,
      startsAt,
      expiresAt: passExpiry(startsAt, request.lifetimeMinutes),
      usableOnce: request.usableOnce,
    });
  }
}

/** The large monospace run that holds the pass on a pass card, if there is one. */
function passRun(view: CardView): Record<string, unknown> | undefined {
  const runs: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextRun') runs.push(element);
    Object.values(element).forEach(walk);
  };
  walk(view.card.body);
  return runs.find((r) => r.fontType === 'monospace');
}

const SAM_UPN = 'sam.taylor@kscs.org.uk';
const GIVE = 'Give a Temporary Access Pass';

/** The desk (Daniel, in the demo service-desk group) gives Sam a pass; Priya is another pupil. */
describe("The desk's Temporary Access Pass in the conversation", () => {
  let h: ConversationHarness;
  let issuer: ScriptedIssuer;
  let logs: CapturedLog;
  const sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
  const priya = testUser('Priya Shah', DEMO_USERS.priyaShah);
  const daniel = testUser('Daniel Okafor', DEMO_USERS.danielOkafor);

  /** A summer morning: the school's clock (BST) is an hour ahead of UTC, so the pass's end shows whose clock it is. */
  function start(options: { enabled?: boolean } = {}) {
    const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
    logs = captureLog();
    h = new ConversationHarness({
      now: '2026-09-15T09:00:00Z',
      log: logs.log,
      policy: {
        ...policy,
        temporaryAccessPass: { ...policy.temporaryAccessPass, enabled: options.enabled ?? true },
      },
      passIssuer: (issuer = new ScriptedIssuer(() => h.clock.now())),
    });
  }

  afterEach(() => {
    h.close();
    // Neither the pass, nor anything typed (a school email), is ever logged.
    const logged = logs.lines.join('\n');
    for (const pass of issuer.passes) expect(logged).to.not.contain(pass);
    expect(logged).to.not.match(/sam\.taylor|kscs\.org\.uk|Sam Taylor/);
  });

  const say = async (text: string, user: TestUser) => onlyCard(await h.send(textActivity(user, text)));
  const press = async (view: CardView, title: string, user = daniel) =>
    onlyCard(await h.send(submitActivity(user, button(view, title).data)));
  const grantIdOn = (view: CardView, title = GIVE) => String(button(view, title).data?.grantId);
  const grantsOf = async (userId: string): Promise<ExportedGrant[]> => h.passGrants.exportUser(userId);

  /** Sam shows a fresh code and Daniel verifies it (a new 30-second step each time, so codes never repeat). */
  async function verifiedOffer(): Promise<CardView> {
    h.clock.advance(30_000);
    const code = /(\d{3}) (\d{3})$/.exec(headingOf(await say('my support code', sam)))!;
    return say(`verify ${SAM_UPN} ${code[1]}${code[2]}`, daniel);
  }

  describe('after a valid verify', () => {
    beforeEach(() => start());

    it('storage failing: the desk still sees the code is valid (no pass button), and a press may be tried again', async () => {
      const failing = sinon.stub(h.passGrants, 'create').rejects(new Error('storage down'));
      try {
        const offer = await verifiedOffer();
        expect(headingOf(offer)).to.equal('✅ Code valid');
        expect(offer.buttons).to.deep.equal([]);
      } finally {
        failing.restore();
      }
      const offer = await verifiedOffer();
      const reading = sinon.stub(h.passGrants, 'get').rejects(new Error('storage down'));
      try {
        const failed = await press(offer, GIVE);
        expect(headingOf(failed)).to.equal('No pass given');
        expect(failed.buttons.map((b) => b.title)).to.deep.equal(['Try again']);
      } finally {
        reading.restore();
      }
      expect(headingOf(await press(offer, GIVE))).to.equal('Temporary Access Pass for Sam Taylor');
      expect(issuer.passes).to.have.length(1);
    });

    it('pressing the offer shows the pass, large and monospace, until when on the school clock, and what to tell the pupil', async () => {
      const offer = await verifiedOffer();
      expect(headingOf(offer)).to.equal('✅ Code valid');
      expect(offer.buttons.map((b) => b.title)).to.deep.equal([GIVE]);

      const replies = await h.send(submitActivity(daniel, button(offer, GIVE).data));
      const card = onlyCard(replies);
      expect(headingOf(card)).to.equal('Temporary Access Pass for Sam Taylor');
      expect(issuer.passes).to.have.length(1);
      expect(passRun(card)).to.include({
        text: issuer.passes[0],
        fontType: 'monospace',
        size: 'extraLarge',
        weight: 'bolder',
      });
      expect(card.texts).to.include.members([
        `For **Sam Taylor** (${SAM_UPN}). Show it or read it to them in person. Never send it in a chat or an email.`,
        'Works until: 11:00 on Tuesday 15 September 2026 (school time)',
        'Works: For one sign-in only',
        'Tell Sam:',
        'Go to **aka.ms/mfasetup**.',
        'Type your school email. Where it asks for your password, type this pass instead.',
        'Remove the lost phone: next to it, choose **Delete**.',
        'Choose **Add sign-in method** and set up your new phone or method.',
        'It works once: do all of it in that one sign-in. If it stops, come back for a new pass.',
      ]);
      // Notifications show the fallback text and the spoken heading: neither holds the pass.
      const { fallbackText, speak } = card.card as { fallbackText: string; speak: string };
      expect(`${fallbackText} ${speak}`).to.not.contain(issuer.passes[0]);
      expect(fallbackText).to.equal('Temporary Access Pass for Sam Taylor. Open the card to see it.');

      expect(await grantsOf(DEMO_USERS.danielOkafor)).to.deep.include.members([
        {
          kind: 'temporaryAccessPassGrant',
          role: 'deskMember',
          via: 'supportCode',
          createdAt: '2026-09-15T09:00:30.000Z',
          claimedAt: '2026-09-15T09:00:30.000Z',
          outcome: 'issued',
          settledAt: '2026-09-15T09:00:30.000Z',
        },
      ]);
      expect(logs.find(/temporary access pass issued/)).to.have.length(1);
    });

    it('a second press gives no second pass, and says why', async () => {
      const offer = await verifiedOffer();
      await press(offer, GIVE);
      const again = await press(offer, GIVE);
      expect(headingOf(again)).to.equal('No pass given');
      expect(again.texts[1]).to.equal(
        'A pass was already given on this check. Microsoft shows a pass only once, so it cannot be shown again.',
      );
      expect(passRun(again)).to.equal(undefined);
      expect(issuer.calls).to.equal(1);
    });

    it('as Action.Execute, the pass replaces the pressed card in the invoke response', async () => {
      const grantId = grantIdOn(await verifiedOffer());
      const replies = await h.send(executeActivity(daniel, 'temporaryAccessPass.give', { grantId }));
      const invoke = replies.find((r) => r.type === 'invokeResponse');
      const body = (invoke?.value as { body: { value: Record<string, unknown> } }).body;
      const card = viewCard(body.value);
      expect(headingOf(card)).to.equal('Temporary Access Pass for Sam Taylor');
      expect(passRun(card)?.text).to.equal(issuer.passes[0]);
    });

    it('a pupil pressing the same button (a forged submit with the grant id) gets no pass; the desk member still can', async () => {
      const grantId = grantIdOn(await verifiedOffer());
      const forged = onlyCard(
        await h.send(submitActivity(priya, { verb: 'temporaryAccessPass.give', grantId })),
      );
      expect(headingOf(forged)).to.equal("Sorry, I can't do that for you");
      expect(forged.texts).to.include('Only the IT service desk can give a Temporary Access Pass.');
      expect(forged.buttons.map((b) => b.title)).to.deep.equal(['Carry on ▶', 'Check my status']);
      expect(passRun(forged)).to.equal(undefined);
      expect(issuer.calls).to.equal(0);

      const given = onlyCard(
        await h.send(submitActivity(daniel, { verb: 'temporaryAccessPass.give', grantId })),
      );
      expect(headingOf(given)).to.equal('Temporary Access Pass for Sam Taylor');
    });

    it('a grant id the desk member did not make, and a check older than the policy allows, are refused with what to do', async () => {
      const made = onlyCard(
        await h.send(
          submitActivity(daniel, { verb: 'temporaryAccessPass.give', grantId: 'made-up-grant-id-0001' }),
        ),
      );
      expect(made.texts[1]).to.equal(
        "This button isn't from your own check of this person, or the check is no longer kept. Check them again with **verify**.",
      );
      const offer = await verifiedOffer();
      h.clock.advance(10 * 60_000 + 1000);
      const late = await press(offer, GIVE);
      expect(headingOf(late)).to.equal('No pass given');
      expect(late.texts[1]).to.equal(
        'You checked who they are more than 10 minutes ago. Check again: **verify** with a fresh support code, or **tap** and their school email in person.',
      );
      expect(issuer.calls).to.equal(0);
    });

    const refusals: [PassRefusalReason, string[]][] = [
      [
        'noPermission',
        [
          "Microsoft refused: the bot isn't allowed to create passes.",
          'An IT admin must grant the app the Graph application permission **ReadWrite.All** under **UserAuthenticationMethod** (with admin consent). Then check the person again.',
        ],
      ],
      [
        'disabledByPolicy',
        [
          'Microsoft refused: Temporary Access Pass is switched off for this person in Entra ID (authentication methods policy).',
          'An IT admin can switch it on for them. Then check the person again.',
        ],
      ],
      [
        'lifetimeOutsidePolicy',
        [
          'Microsoft refused: a pass of 60 minutes is outside what the Temporary Access Pass settings in Entra ID allow.',
          "An IT admin must change those settings, or **lifetimeMinutes** under **temporaryAccessPass** in the bot's policy file.",
        ],
      ],
      ['userNotFound', ["Microsoft doesn't know this account (any more). Check the school email."]],
    ];
    for (const [reason, words] of refusals) {
      it(`Microsoft refuses (${reason}): the desk reads why and what to do; pressing again gives the same answer`, async () => {
        issuer.refuse = reason;
        const offer = await verifiedOffer();
        const refused = await press(offer, GIVE);
        expect(headingOf(refused)).to.equal('No pass given');
        expect(refused.texts.slice(1)).to.deep.equal(words);
        expect(refused.buttons).to.deep.equal([]);
        // The grant is spent: Microsoft is not asked again, and the answer stays the same.
        issuer.refuse = undefined;
        expect((await press(offer, GIVE)).texts.slice(1)).to.deep.equal(words);
        expect(issuer.calls).to.equal(1);
        expect((await grantsOf(DEMO_USERS.samTaylor))[0]?.outcome).to.equal(reason);
      });
    }

    it('Microsoft unavailable: no pass was made, "Try again" on the same check works once Microsoft answers', async () => {
      issuer.refuse = 'unavailable';
      const refused = await press(await verifiedOffer(), GIVE);
      expect(refused.texts.slice(1)).to.deep.equal([
        "Microsoft didn't answer just now, so no pass was made. Please try again in a minute.",
      ]);
      expect(refused.buttons.map((b) => b.title)).to.deep.equal(['Try again']);
      issuer.refuse = undefined;
      const given = await press(refused, 'Try again');
      expect(headingOf(given)).to.equal('Temporary Access Pass for Sam Taylor');
      expect(issuer.calls).to.equal(2);
    });
  });

  describe('"tap <upn>": in person, for someone who cannot show a code', () => {
    beforeEach(() => start());

    it('asks the desk member to confirm the in-person check; confirming records it and gives the pass, once', async () => {
      const check = await say(`tap ${SAM_UPN}`, daniel);
      expect(headingOf(check)).to.equal('Check who they are first');
      expect(check.texts).to.include.members([
        `A Temporary Access Pass for **Sam Taylor** (${SAM_UPN}) lets whoever holds it set up sign-in for that account.`,
        'Confirm only if you have checked, in person, that this is really them: their school ID card, or you know them.',
        'Year / dept: Year 8',
      ]);
      expect(check.buttons.map((b) => b.title)).to.deep.equal(['I checked them in person', 'Cancel']);
      expect(issuer.calls).to.equal(0);

      h.clock.advance(60_000);
      const given = await press(check, 'I checked them in person');
      expect(headingOf(given)).to.equal('Temporary Access Pass for Sam Taylor');
      expect(passRun(given)?.text).to.equal(issuer.passes[0]);
      const [grant] = await grantsOf(DEMO_USERS.samTaylor);
      expect(grant).to.include({
        role: 'user',
        via: 'inPerson',
        confirmedInPersonAt: '2026-09-15T09:01:00.000Z',
        outcome: 'issued',
      });

      const again = await press(check, 'I checked them in person');
      expect(headingOf(again)).to.equal('No pass given');
      expect(issuer.calls).to.equal(1);
    });

    it("Cancel gives no pass, and the same card's confirm button gives none afterwards", async () => {
      const check = await say(`tap ${SAM_UPN}`, daniel);
      const cancelled = await press(check, 'Cancel');
      expect(headingOf(cancelled)).to.equal('Cancelled');
      expect(cancelled.texts).to.include('No pass was given.');
      const late = await press(check, 'I checked them in person');
      expect(headingOf(late)).to.equal('No pass given');
      expect(late.texts[1]).to.equal(
        'You cancelled this check, so no pass was given. To give one, type **tap** and their school email again.',
      );
      expect((await h.passGrants.get(grantIdOn(check, 'I checked them in person')))?.outcome).to.equal(
        'cancelled',
      );
      // A second tap on Cancel says what happened, not that a pass was given.
      const twice = await press(check, 'Cancel');
      expect(headingOf(twice)).to.equal('Cancelled');
      expect(issuer.calls).to.equal(0);
    });

    it('a give button forged on the unconfirmed check is refused', async () => {
      const check = await say(`tap ${SAM_UPN}`, daniel);
      const grantId = grantIdOn(check, 'I checked them in person');
      const forged = onlyCard(
        await h.send(submitActivity(daniel, { verb: 'temporaryAccessPass.give', grantId })),
      );
      expect(forged.texts[1]).to.equal(
        "You haven't confirmed that you checked them in person. Type **tap** and their school email to start again.",
      );
      expect(issuer.calls).to.equal(0);
    });

    it('a confirmation later than the policy allows is refused', async () => {
      const check = await say(`tap ${SAM_UPN}`, daniel);
      h.clock.advance(11 * 60_000);
      const late = await press(check, 'I checked them in person');
      expect(headingOf(late)).to.equal('No pass given');
      expect(late.texts[1]).to.match(/^You checked who they are more than 10 minutes ago/);
      expect(issuer.calls).to.equal(0);
    });

    it('"tap" alone shows the desk how; an email nobody has finds no one', async () => {
      const usage = await say('tap', daniel);
      expect(headingOf(usage)).to.equal('Give a Temporary Access Pass in person');
      expect(usage.texts).to.include('For example: **tap sam.taylor@kscs.org.uk**');
      const nobody = await say('tap nobody@kscs.org.uk', daniel);
      expect(headingOf(nobody)).to.equal('No one found');
      expect(await h.passGrants.heldUserIds()).to.deep.equal(new Set());
    });

    it('a pupil typing "tap …" gets exactly what the same words without the command get: no hint, no grant', async () => {
      for (const [text, heading] of [
        [`tap ${SAM_UPN}`, "⚠️ Please don't send me that"],
        ['tap', "Sorry, I didn't get that"],
        ['tap me please', "Sorry, I didn't get that"],
      ] as const) {
        const answer = await say(text, priya);
        expect(headingOf(answer), text).to.equal(heading);
        const ordinary = await say(text.replace(/^tap/, 'zap'), priya);
        expect(JSON.stringify(answer.card), text).to.equal(JSON.stringify(ordinary.card));
      }
      // Pressing a Confirm or Cancel forged by a pupil gives nothing either.
      for (const verb of ['temporaryAccessPass.confirm', 'temporaryAccessPass.cancel']) {
        const forged = onlyCard(
          await h.send(submitActivity(priya, { verb, grantId: 'made-up-grant-id-0001' })),
        );
        expect(headingOf(forged), verb).to.equal("Sorry, I can't do that for you");
      }
      expect(await h.passGrants.heldUserIds()).to.deep.equal(new Set());
      expect(issuer.calls).to.equal(0);
    });
  });

  describe('with the feature off in the policy', () => {
    beforeEach(() => start({ enabled: false }));

    it('no button after verify, a forged press is refused, and "tap" from the desk is an ordinary message', async () => {
      const offer = await verifiedOffer();
      expect(headingOf(offer)).to.equal('✅ Code valid');
      expect(offer.buttons).to.deep.equal([]);
      const forged = onlyCard(
        await h.send(
          submitActivity(daniel, { verb: 'temporaryAccessPass.give', grantId: 'made-up-grant-id-0001' }),
        ),
      );
      expect(forged.texts[1]).to.equal(
        "Temporary Access Passes are switched off in the school's policy file.",
      );
      expect(headingOf(await say('tap', daniel))).to.equal("Sorry, I didn't get that");
      expect(headingOf(await say(`tap ${SAM_UPN}`, daniel))).to.equal("⚠️ Please don't send me that");
      expect(await h.passGrants.heldUserIds()).to.deep.equal(new Set());
      expect(issuer.calls).to.equal(0);
    });
  });
});
