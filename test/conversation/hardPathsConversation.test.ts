import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import type { SchoolPolicy } from '../../src/domain/policy/schoolPolicy';
import {
  installActivity,
  submitActivity,
  testUser,
  textActivity,
  type TestUser,
} from '../support/activities';
import { button, headingOf, onlyCard, type CardView } from '../support/cards';
import { ConversationHarness, SAMPLE_POLICY_PATH } from '../support/conversationHarness';

/** The sample policy with `support` changed (the phone rule, what IT gives people with no smartphone). */
function policyWith(support: Partial<SchoolPolicy['support']>): SchoolPolicy {
  const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
  return { ...policy, support: { ...policy.support, ...support } };
}

/**
 * The paths off the easy road: lost phone, no smartphone, only a phone, Microsoft's passkey screen, a sign-in
 * the pupil did not start, and the school's phone rule; on the bot with the demo school and a recording mailer.
 */
describe('The hard paths in the conversation', () => {
  let h: ConversationHarness;
  let sam: TestUser;

  const open = (options: ConstructorParameters<typeof ConversationHarness>[0] = {}) => {
    h = new ConversationHarness({ now: '2026-11-30T10:00:00Z', ...options });
  };
  beforeEach(() => {
    sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
  });
  afterEach(() => h.close());

  const say = async (text: string) => onlyCard(await h.send(textActivity(sam, text)));
  const press = async (view: CardView, title: string | RegExp) =>
    onlyCard(await h.send(submitActivity(sam, button(view, title).data)));
  const words = (view: CardView) => view.texts.join(' ');
  const titles = (view: CardView) => view.buttons.map((b) => b.title);

  async function toOpenPage(): Promise<CardView> {
    const welcome = onlyCard(await h.send(installActivity(sam)));
    const get = await press(await press(welcome, "Let's start ▶"), 'Use the app');
    return press(get, "I've got the app ▶");
  }

  describe('lost phone', () => {
    it("IT's one-time pass: why it is needed, the visit with the support code, then the swap on the page", async () => {
      open();
      const scan = await press(await toOpenPage(), 'I can see a QR code ▶');
      const lost = await say('I lost my phone');
      expect(headingOf(lost)).to.equal('Lost your phone?');
      expect(words(lost)).to.match(/Microsoft asks you to approve it first\. It asks in school too\./);
      expect(words(lost)).to.match(/An email lets you get a new password\. It can't say yes to a sign-in\./);
      expect(words(lost)).to.not.match(/needs no approval/);
      expect(titles(lost).slice(0, 2)).to.deep.equal(['Get a pass from IT ▶', 'I have another way in']);
      // Back returns to where the pupil was in the guide.
      expect(headingOf(await press(lost, '◀ Back'))).to.equal(headingOf(scan));

      const visit = await press(lost, 'Get a pass from IT ▶');
      expect(headingOf(visit)).to.equal('Get a pass from IT');
      expect(words(visit)).to.match(/room \*\*3L23\*\* \(Monday to Friday, 8:30am to 4pm\)/);
      expect(words(visit)).to.match(/Sign in to a school computer\. Open Teams and chat with me\./);
      expect(words(visit)).to.match(/It works one time, for 60 minutes\./);
      expect(words(visit)).to.match(/Take your new phone with you\. You may use it at the IT desk\./);
      expect(words(visit)).to.match(
        /IT will never ask for your password or for the codes Microsoft sends you/,
      );
      const code = await press(visit, 'Show my support code');
      expect(headingOf(code)).to.match(/^Your support code: \d{3} \d{3}$/);

      const fix = await press(visit, 'I have my pass ▶');
      expect(headingOf(fix)).to.equal('Swap in your new phone');
      expect(words(fix)).to.match(/Go to \*\*aka\.ms\/mfasetup\*\*/);
      expect(words(fix)).to.match(/Find the lost phone in the list and tap \*\*Delete\*\*/);
      expect(words(fix)).to.match(/scan the QR code with your new phone/);
      expect(words(fix)).to.match(/A passkey does not move to a new phone/);
      expect(titles(fix)).to.include('Check my status');
      expect((await h.progress.get(sam.aadObjectId))?.value.step).to.equal('lost.fix');
    });

    it('another way in: straight to the swap', async () => {
      open();
      const fix = await press(await say('phone stolen'), 'I have another way in');
      expect(headingOf(fix)).to.equal('Swap in your new phone');
    });

    it('phones not allowed at the IT desk: come at the end of the day with the phone, not "take it to IT"', async () => {
      open({ policy: policyWith({ phones: { atItDesk: false, duringSchoolDay: false } }) });
      const visit = await press(await say('lost my phone'), 'Get a pass from IT ▶');
      expect(words(visit)).to.match(
        /Phones are not allowed in school\. Ask IT for a time at the end of the day, and bring your new phone then\./,
      );
      expect(words(visit)).to.not.match(/Take your new phone/);
    });

    it('new phone: a passkey stays behind on the old one', async () => {
      open();
      const card = await say('new phone');
      expect(headingOf(card)).to.equal('Got a new phone?');
      expect(words(card)).to.match(/A passkey does not move to a new phone/);
      expect(headingOf(await press(card, 'I lost my old phone'))).to.equal('Lost your phone?');
    });
  });

  describe('no smartphone', () => {
    it('after the text/call cut-off: IT for a token or a key, no texts or calls', async () => {
      open({ now: '2027-02-02T09:00:00Z' });
      const none = await say('no smartphone');
      expect(headingOf(none)).to.equal('No smartphone? You can still do this');
      expect(words(none)).to.match(/\*\*token\*\*/);
      expect(words(none)).to.match(/\*\*security key\*\*/);
      expect(words(none)).to.not.match(/Texts and calls stop/);
      expect(titles(none)).to.not.include('Use a text or call ▶');
    });

    it('a school that gives neither: texts and calls before the cut-off, a pass from IT after it', async () => {
      const policy = policyWith({ noSmartphone: { hardwareToken: false, securityKey: false } });
      open({ policy });
      const before = await say('no smartphone');
      expect(words(before)).to.match(/until 1 February 2027/);
      expect(titles(before)).to.include('Use a text or call ▶');
      h.clock.set('2027-02-02T09:00:00Z');
      const after = await say('no smartphone');
      expect(words(after)).to.match(/They can give you a one-time pass/);
      expect(titles(after)).to.not.include('Use a text or call ▶');
    });

    it('phones banned during the school day: the app is set up at home', async () => {
      open();
      const get = await press(await say('start'), 'Use the app');
      expect(words(get)).to.match(/Phones aren't allowed in school in the day\. So do this part at home\./);
      h.close();
      open({ policy: policyWith({ phones: { atItDesk: true, duringSchoolDay: true } }) });
      const allowed = await press(await say('start'), 'Use the app');
      expect(words(allowed)).to.not.match(/at home/);
    });
  });

  describe('everything on one phone', () => {
    it('first method: the page\'s pairing link, the QR code only behind "Show QR code"', async () => {
      open();
      const link = await press(await toOpenPage(), 'I only have my phone');
      expect(headingOf(link)).to.equal('Only using your phone?');
      expect(words(link)).to.match(/Tap \*\*Pair your account to the app by clicking this link\*\*/);
      expect(words(link)).to.match(/It hides behind \*\*Show QR code\*\*/);
      expect(words(link)).to.match(/Open your phone's web browser/);
      const approve = await press(link, 'Done ▶');
      expect(headingOf(approve)).to.equal('Approve the test');
    });

    it('first method: from the QR code step, whose words point to the button, to the link', async () => {
      open();
      const scan = await press(await toOpenPage(), 'I can see a QR code ▶');
      expect(headingOf(scan)).to.equal('Scan the QR code');
      expect(words(scan)).to.match(/Only using your phone\? Tap \*\*I only have my phone\*\* below\./);
      const link = await press(scan, 'I only have my phone');
      expect(headingOf(link)).to.equal('Only using your phone?');
      expect((await h.progress.get(sam.aadObjectId))?.value.step).to.equal('first.app.link');
      expect(headingOf(await press(link, 'Done ▶'))).to.equal('Approve the test');
    });

    it('second method (after a text): from the QR code step to the link', async () => {
      open();
      const choose = await press(onlyCard(await h.send(installActivity(sam))), "Let's start ▶");
      const textOrCall = await press(await press(choose, 'Use a phone'), 'I picked Phone ▶');
      const second = await press(await press(textOrCall, 'Text'), 'Done ▶');
      const scan = await press(await press(second, 'Use the app'), "I've got the app ▶");
      const link = await press(scan, 'I only have my phone');
      expect(words(link)).to.match(
        /I want to set up a different method\*\* and choose \*\*Authenticator app/,
      );
      expect(headingOf(await press(link, 'Done ▶'))).to.equal('Approve the test');
      expect((await h.progress.get(sam.aadObjectId))?.value.step).to.equal('second.app.approve');
    });
  });

  describe("Microsoft's passkey screen", () => {
    async function textStep(): Promise<CardView> {
      const choose = await press(onlyCard(await h.send(installActivity(sam))), "Let's start ▶");
      const textOrCall = await press(await press(choose, 'Use a phone'), 'I picked Phone ▶');
      return press(textOrCall, 'Text');
    }

    it('before Microsoft shows it: no button on the text step', async () => {
      open({ now: '2026-08-20T09:00:00Z' });
      expect(titles(await textStep())).to.not.include('Asked to add a passkey?');
      expect(words(await say('passkey'))).to.match(/From 1 September 2026, Microsoft will ask/);
    });

    it('before the cut-off: explained from the text step, skippable until 1 February 2027', async () => {
      open();
      const prompt = await press(await textStep(), 'Asked to add a passkey?');
      expect(headingOf(prompt)).to.equal('Asked to add a passkey?');
      expect(words(prompt)).to.match(/It is a real Microsoft screen\./);
      expect(words(prompt)).to.match(/iOS 17 or newer, or Android 14 or newer/);
      expect(words(prompt)).to.match(
        /You can skip it for now\. From 1 February 2027, you can't skip it if texts or calls are all you have\./,
      );
      expect(titles(prompt).slice(0, 2)).to.deep.equal(['How to add a passkey ▶', 'Ask IT for another way']);
      expect(headingOf(await press(prompt, 'How to add a passkey ▶'))).to.equal(
        'Extra: a passkey (optional)',
      );
    });

    it('after the cut-off: it can no longer be skipped', async () => {
      open({ now: '2027-02-02T09:00:00Z' });
      const prompt = await say('it asks for a passkey');
      expect(words(prompt)).to.match(/you can no longer skip this screen/);
    });
  });

  describe("a sign-in you didn't start", () => {
    it('deny it, change the password, and an urgent request the desk sees marked', async () => {
      open();
      const notMe = await say("someone is signing in and it wasn't me");
      expect(headingOf(notMe)).to.equal("A sign-in you didn't start?");
      expect(words(notMe)).to.match(/tap \*\*No, it's not me\*\*\. Never tap \*\*Yes\*\*/);
      expect(words(notMe)).to.match(/Change your password now at \*\*aka\.ms\/sspr\*\*/);
      const way = await press(notMe, 'Tell IT now 🚨');
      expect(headingOf(way)).to.equal('How would you like help?');
      expect(way.texts).to.include("Problem: **A sign-in I didn't start**.");
      expect(words(way)).to.match(/IT will see this first/);
      const sent = await press(await press(way, "🚶 I'll walk in"), 'Send to IT ✉');
      expect(headingOf(sent)).to.equal('Sent to IT Support ✅');
      expect(h.mailer.accepted).to.have.length(1);
      const mail = h.mailer.accepted[0]!;
      expect(mail.subject).to.match(
        /^\[MFA-[A-Z0-9]{4}\] URGENT MFA help: Sign-in request the user did not start/,
      );
      expect(mail.importance).to.equal('high');
      expect(mail.headers).to.deep.include({ name: 'X-MFA-Urgent', value: 'yes' });
      expect(mail.html).to.match(/URGENT · MFA-/);
    });

    it("still reaches the desk after the day's three ordinary requests (one more than the limit)", async () => {
      open();
      for (let i = 0; i < 3; i++) {
        const review = await press(await press(await say('help'), '📵 No smartphone'), '✉️ Email me back');
        expect(headingOf(await press(review, 'Send to IT ✉'))).to.equal('Sent to IT Support ✅');
      }
      const way = await press(await say("someone is signing in and it wasn't me"), 'Tell IT now 🚨');
      const sent = await press(await press(way, "🚶 I'll walk in"), 'Send to IT ✉');
      expect(headingOf(sent)).to.equal('Sent to IT Support ✅');
      expect(h.mailer.accepted).to.have.length(4);
      expect(h.mailer.accepted[3]!.subject).to.match(/^\[MFA-[A-Z0-9]{4}\] URGENT MFA help/);
      const again = await press(await press(await say('help'), '📵 No smartphone'), '✉️ Email me back');
      expect(headingOf(await press(again, 'Send to IT ✉'))).to.equal("You've already asked IT today");
    });

    it('from the last step of the guide, and first under "Something else"', async () => {
      open();
      const more = await press(await say('help'), 'Something else ▶');
      expect(titles(more)[0]).to.equal("🚨 A sign-in I didn't start");
      const stored = await h.progress.get(sam.aadObjectId);
      await h.progress.put(
        sam.aadObjectId,
        {
          step: 'afterwards',
          history: ['welcome'],
          first: 'app',
          updatedAt: '2026-11-30T10:00:00.000Z',
        },
        stored?.etag,
      );
      const afterwards = await say('continue');
      expect(headingOf(await press(afterwards, "A sign-in I didn't start"))).to.equal(
        "A sign-in you didn't start?",
      );
    });
  });
});
