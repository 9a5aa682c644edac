import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { parseCardAction } from '../../src/features/verbs';
import { submitActivity, testUser } from '../support/activities';
import { headingOf, onlyCard } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';

describe('Nudge buttons in the conversation', () => {
  let h: ConversationHarness;
  beforeEach(() => (h = new ConversationHarness({ now: '2027-01-04T10:00:00Z' })));
  afterEach(() => h.close());

  it('parses the snooze payload strictly: a campaign id and a nudge key, nothing else trusted', () => {
    expect(
      parseCardAction({ verb: 'nudge.snooze', campaign: 'enforcement-2027-01-11', nudge: 'd7+s1' }),
    ).to.deep.equal({
      ok: true,
      action: { verb: 'nudge.snooze', campaign: 'enforcement-2027-01-11', nudge: 'd7+s1' },
    });
    expect(parseCardAction({ verb: 'nudge.snooze', campaign: "x'; drop", nudge: 'd7' })).to.deep.equal({
      ok: false,
      problem: 'badPayload',
    });
    expect(parseCardAction({ verb: 'nudge.snooze', campaign: 'enforcement-2027-01-11' }).ok).to.equal(false);
  });

  it('answers a snooze politely when no campaign runs here, and a forged one as a broken button', async () => {
    const sam = testUser('Sam Taylor', DEMO_USERS.samTaylor);
    const snooze = onlyCard(
      await h.send(
        submitActivity(sam, { verb: 'nudge.snooze', campaign: 'enforcement-2027-01-11', nudge: 'd7' }),
      ),
    );
    expect(headingOf(snooze)).to.equal('No reminder to put off');
    expect(snooze.buttons.map((b) => b.title)).to.deep.equal([
      'Start now ▶',
      'I need help',
      "I've done it ✔",
    ]);
    const forged = onlyCard(
      await h.send(submitActivity(sam, { verb: 'nudge.snooze', campaign: 'x', nudge: 'zz' })),
    );
    expect(headingOf(forged)).to.equal("Sorry, that button didn't work");
    expect(forged.buttons.map((b) => b.title)).to.deep.equal(["Let's start ▶", 'Start again', 'I need help']);
  });

  it("answers a snooze in the pupil's language: the one Teams says, else the one chosen; Urdu right to left", async () => {
    const snooze = { verb: 'nudge.snooze', campaign: 'enforcement-2027-01-11', nudge: 'd7' };
    const ola = testUser('Ola Nowak', DEMO_USERS.samTaylor);
    const polish = onlyCard(await h.send(submitActivity(ola, snooze, { locale: 'pl-PL' })));
    expect(headingOf(polish)).to.equal('Nie ma przypomnienia do odłożenia');
    expect(polish.buttons.map((b) => b.title)).to.deep.equal([
      'Zacznij teraz ▶',
      'Potrzebuję pomocy',
      'Zrobione ✔',
    ]);
    expect(polish.card).to.not.have.property('rtl');

    // Chosen on the language card: it wins over the English Teams reports.
    await h.send(submitActivity(ola, { verb: 'language.choose', locale: 'ur' }, { locale: 'en-GB' }));
    const urdu = onlyCard(await h.send(submitActivity(ola, snooze, { locale: 'en-GB' })));
    expect(headingOf(urdu)).to.equal('ٹالنے کے لیے کوئی یاد دہانی نہیں');
    expect(urdu.buttons.map((b) => b.title)).to.deep.equal([
      'ابھی شروع کریں ◀',
      'مجھے مدد چاہیے',
      'ہو گیا ✔',
    ]);
    expect(urdu.card.rtl).to.equal(true);
  });
});
