/**
 * A nudge is proactive: no turn says which language to write it in. It is the one the pupil chose on the
 * language card, else the one their Teams last said they use (kept with their conversation), else English.
 */
import { expect } from 'chai';
import { CampaignRig, conversationOf } from '../support/campaignRig';
import { alignedByHand, cardsOf, headingOf, type CardView } from '../support/cards';
import { walkCard } from '../support/cardChecks';
import { clockChangePolicy } from './campaignPolicyFixture';

describe('Nudges in the pupil’s language (campaign on real HTTP)', function () {
  this.timeout(60_000);
  let rig: CampaignRig;
  afterEach(async () => {
    await rig?.close();
  });

  /** The one nudge a pupil's chat received. */
  function nudgeOf(userId: string): CardView {
    const cards = rig.connector.activitiesIn(conversationOf(userId)).flatMap((a) => cardsOf(a));
    expect(cards, userId).to.have.length(1);
    return cards[0]!;
  }

  const titles = (card: CardView) => card.buttons.map((b) => b.title);

  it('is in the language chosen, else the Teams language last seen, else English', async () => {
    // Friday 23 October 2026, 09:00 BST: the 3-day reminder, five days before the date.
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T07:30:00Z' });
    const [chosePolish, teamsUrdu, neither, switched] = await Promise.all(
      [1, 2, 3, 4].map((n) => rig.addUser(n)),
    );
    // Pupil 1 uses Teams in Urdu but chose Polish on the language card: the choice wins.
    await rig.says(chosePolish!, 'hi', 'ur-PK');
    const stored = await rig.parts.deps.progress.get(chosePolish!);
    await rig.parts.deps.progress.put(chosePolish!, { ...stored!.value, language: 'pl' }, stored!.etag);
    // Pupil 2 writes from a Teams in Urdu (Pakistan) and chose nothing.
    await rig.says(teamsUrdu!, 'hi', 'ur-PK');
    // Pupil 4 wrote in English, then switched Teams to Polish and wrote again, minutes later, in the same chat.
    await rig.says(switched!, 'hi', 'en-GB');
    await rig.says(switched!, 'cześć', 'pl-PL');
    // Pupil 3's chat is known from the install alone: no turn, so no language.

    rig.clock.set('2026-10-23T08:00:00Z');
    await rig.run();

    const polish = nudgeOf(chosePolish!);
    expect(headingOf(polish)).to.equal('Przypomnienie, Pupil1: zostało 5 dni');
    expect(titles(polish)).to.deep.equal([
      'Zacznij teraz ▶',
      'Przypomnij mi jutro',
      'Potrzebuję pomocy',
      'Zrobione ✔',
    ]);
    expect(polish.texts).to.include('Do zrobienia: Wszystko: nic jeszcze nie ustawione');
    expect(polish.card).to.not.have.property('rtl');

    const urdu = nudgeOf(teamsUrdu!);
    expect(headingOf(urdu)).to.equal('یاد دہانی، Pupil2: 5 دن باقی');
    expect(titles(urdu)).to.deep.equal(['ابھی شروع کریں ◀', 'کل یاد دلائیں', 'مجھے مدد چاہیے', 'ہو گیا ✔']);
    // Right to left: `rtl`, and no text aligned by hand (under `rtl`, "right" is the line's end: the left).
    expect(urdu.card.rtl).to.equal(true);
    expect(urdu.card.version).to.equal('1.2');
    const texts = [...walkCard(urdu.card.body)].filter(({ node }) => node.type === 'TextBlock');
    expect(texts.length).to.be.greaterThan(3);
    expect(alignedByHand(urdu.card)).to.deep.equal([]);

    const english = nudgeOf(neither!);
    expect(headingOf(english)).to.equal('Reminder, Pupil3: 5 days left');
    expect(titles(english)).to.deep.equal([
      'Start now ▶',
      'Remind me tomorrow',
      'I need help',
      "I've done it ✔",
    ]);
    expect(english.card).to.not.have.property('rtl');

    expect(headingOf(nudgeOf(switched!))).to.equal('Przypomnienie, Pupil4: zostało 5 dni');
    expect((await rig.references.get(switched!))?.locale).to.equal('pl-PL');
  });

  it('for a reference saved before the language was kept beside it, reads Teams’ own copy in the reference', async () => {
    rig = await CampaignRig.start({ policy: clockChangePolicy(), now: '2026-10-23T07:30:00Z' });
    const [pupil, garbled] = await Promise.all([1, 2].map((n) => rig.addUser(n)));
    for (const [userId, locale] of [
      [pupil!, 'pl-PL'],
      [garbled!, '<b>pl</b>'],
    ] as const) {
      const saved = (await rig.references.get(userId))!;
      // As saved before: no language beside the reference, Teams' own inside it.
      await rig.references.save({ ...saved, locale: undefined, reference: { ...saved.reference, locale } });
    }
    rig.clock.set('2026-10-23T08:00:00Z');
    await rig.run();
    expect(headingOf(nudgeOf(pupil!))).to.equal('Przypomnienie, Pupil1: zostało 5 dni');
    // Only a language tag is taken from it.
    expect(headingOf(nudgeOf(garbled!))).to.equal('Reminder, Pupil2: 5 days left');
  });
});
