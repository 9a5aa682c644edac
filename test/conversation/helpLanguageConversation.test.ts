import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { submitActivity, testUser, type TestUser } from '../support/activities';
import { alignedByHand, button, cardsOf, headingOf, onlyCard, type CardView } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';
import { englishLeftOn } from '../support/translatedCards';
import { cardWalk } from '../support/walk';

/** The text blocks of a right-to-left card that set their own alignment (none may), by their path. */
const notRight = (view: CardView): string[] => alignedByHand(view.card);

describe("Help and support codes in the pupil's language", () => {
  let h: ConversationHarness;
  beforeEach(() => (h = new ConversationHarness({ now: '2026-11-30T10:00:00Z' })));
  afterEach(() => h.close());

  /** The conversation as `user` walks it, their Teams set to `locale`. */
  const as = (user: TestUser, locale: string) =>
    cardWalk(
      async (activity) => (await h.send(activity)).flatMap(cardsOf),
      user,
      () => ({ locale }),
    );
  const sam = () => testUser('Sam Taylor', DEMO_USERS.samTaylor);
  const referenceIn = (view: CardView, label: string) =>
    view.texts.find((t) => t.startsWith(`${label}: `))?.slice(label.length + 2);

  it('a pupil whose Teams is in Polish asks for help, sends the form with a few words, and reads it all in Polish; the desk reads English and learns the language', async () => {
    const user = sam();
    const pl = as(user, 'pl-PL');
    const help = await pl.say('help');
    expect(headingOf(help)).to.equal('Zaraz znajdziemy ci pomoc');
    expect(help.texts).to.include.members([
      'Przyjdź: Dział IT (IT Support), sala 3L23',
      'Otwarte: poniedziałek – piątek, 8:30–16:00',
      'Dział IT nigdy nie poprosi cię o hasło ani o kody, które wysyła ci Microsoft.',
    ]);
    expect(help.buttons.map((b) => b.title)).to.deep.equal([
      '📵 Nie mam smartfona',
      '📱 Zgubiony lub nowy telefon',
      '💬 Nie ma SMS-a/połączenia',
      '📷 Aplikacja nie skanuje',
      'Coś innego ▶',
    ]);
    expect(englishLeftOn(help, 'pl-PL')).to.deep.equal([]);

    const way = await pl.press(help, '📷 Aplikacja nie skanuje');
    expect(headingOf(way)).to.equal('Jak mamy ci pomóc?');
    expect(way.buttons.map((b) => b.title)).to.deep.equal([
      '🚶 Przyjdę do IT',
      '📅 Umów termin',
      '✉️ Odpisz mi e-mailem',
      '◀ Wstecz',
    ]);
    const review = await pl.press(way, '🚶 Przyjdę do IT');
    expect(headingOf(review)).to.equal('Wysłać to do działu IT?');
    expect(review.texts).to.include.members([
      'Co się dzieje: Aplikacja nie skanuje kodu QR',
      'Pomoc: Przyjdę do działu IT (IT Support)',
    ]);
    const form = await pl.press(review, '✏️ Dopiszę kilka słów');
    const input = (form.card.body as { type: string; label?: string; placeholder?: string }[]).find(
      (e) => e.type === 'Input.Text',
    );
    expect(input).to.include({
      label: 'Co się stało? (nieobowiązkowe)',
      placeholder: 'Na przykład: telefon nie skanuje kodu QR',
    });
    for (const view of [way, review, form])
      expect(englishLeftOn(view, 'pl-PL'), headingOf(view)).to.deep.equal([]);

    const sent = onlyCard(
      await h.send(
        submitActivity(
          user,
          { ...button(form, 'Wyślij do IT ✉').data, words: 'kod 123456 nie działa' },
          { locale: 'pl-PL' },
        ),
      ),
    );
    expect(headingOf(sent)).to.equal('Wysłane do działu IT ✅');
    const reference = referenceIn(sent, 'Twój numer zgłoszenia');
    expect(reference).to.match(/^MFA-\w{4}$/);
    expect(sent.texts).to.include.members([
      'Idź do **działu IT (IT Support), sala 3L23** (poniedziałek – piątek, 8:30–16:00). Podaj swój numer zgłoszenia. Weź ze sobą telefon. Przy biurku IT możesz go używać.',
      'Co się dzieje: Aplikacja nie skanuje kodu QR',
      'Usunąłem coś, co wyglądało jak kod, zanim zapisałem twoje słowa. Dział IT nigdy tego nie potrzebuje, więc nigdy tego nie zapisuję.',
    ]);
    expect(sent.buttons.map((b) => b.title)).to.deep.equal(['Zaczynajmy ▶', 'Pokaż mój kod wsparcia']);
    expect(englishLeftOn(sent, 'pl-PL')).to.deep.equal([]);
    expect(sent.card).to.not.have.property('rtl');

    // The desk's mail stays in the school's language, and says which language the pupil reads.
    const [mail] = h.mailer.accepted;
    expect(mail!.subject).to.equal(`[${reference}] MFA help: Authenticator app won't scan`);
    expect(mail!.html)
      .to.contain('Will walk in to IT Support')
      .and.match(/Stuck at \(guide step\)<\/th><td[^>]*>Welcome</)
      .and.contain('kod [removed] nie działa');
    expect(mail!.html).to.match(/<th[^>]*>Their language<\/th><td[^>]*>Polski \(pl\)<\/td>/);
  });

  it('a pupil whose Teams is in Urdu gets the help cards and the confirmation right to left, in Urdu', async () => {
    const user = sam();
    const ur = as(user, 'ur-PK');
    const help = await ur.say('help');
    expect(headingOf(help)).to.equal('آئیے آپ کے لیے مدد لیتے ہیں');
    const way = await ur.press(help, '📵 اسمارٹ فون نہیں ہے');
    expect(headingOf(way)).to.equal('آپ کس طرح مدد چاہتے ہیں؟');
    expect(way.texts).to.include(
      'کوئی بات نہیں۔ IT آپ کو اس کی جگہ ایک کی (key) یا ایک بار کا پاس دے سکتا ہے۔',
    );
    const review = await ur.press(way, '✉️ مجھے ای میل سے جواب دیں');
    expect(headingOf(review)).to.equal('کیا یہ IT سپورٹ کو بھیج دیں؟');
    const sent = await ur.press(review, 'IT کو بھیجیں ✉');
    expect(headingOf(sent)).to.equal('IT سپورٹ کو بھیج دیا ✅');
    expect(sent.texts).to.include(
      'IT آپ کے **اسکول کے ای میل پتے** پر جواب دے گا۔ اپنا اسکول کا ان باکس دیکھتے رہیں۔',
    );
    expect(referenceIn(sent, 'آپ کا ریفرنس')).to.match(/^MFA-\w{4}$/);
    for (const view of [help, way, review, sent]) {
      expect(view.card.rtl, headingOf(view)).to.equal(true);
      expect(notRight(view), headingOf(view)).to.deep.equal([]);
      expect(englishLeftOn(view, 'ur-PK'), headingOf(view)).to.deep.equal([]);
    }
    expect(h.mailer.accepted[0]!.html).to.match(/Their language<\/th><td[^>]*>اردو \(ur\)</);
  });

  it('a pupil in English: the same cards as always, and the mail names no language', async () => {
    const en = as(sam(), 'en-US');
    const way = await en.press(await en.say('help'), "📷 The app won't scan");
    const sent = await en.press(await en.press(way, "🚶 I'll walk in"), 'Send to IT ✉');
    expect(headingOf(sent)).to.equal('Sent to IT Support ✅');
    expect(sent.card).to.not.have.property('rtl');
    expect(h.mailer.accepted[0]!.html).to.not.contain('language');
  });

  it('the notice owed after a slow send comes in the language the pupil asked in, after a restart too', async () => {
    h.mailer.outcomes = [{ kind: 'retry', status: 503 }];
    const user = sam();
    const pl = as(user, 'pl-PL');
    const review = await pl.press(
      await pl.press(await pl.say('help'), '📵 Nie mam smartfona'),
      '🚶 Przyjdę do IT',
    );
    const saved = await pl.press(review, 'Wyślij do IT ✉');
    expect(headingOf(saved)).to.equal('Zapisane: w drodze do IT 📨');
    const reference = referenceIn(saved, 'Twój numer zgłoszenia')!;
    // The language is kept with the request, not in the process that took it.
    h.restart();
    for (let i = 0; i < 5 && h.mailer.accepted.length === 0; i++) {
      h.clock.advance(60_000);
      h.outbox.kick();
      await h.outbox.idle();
    }
    const notices = h.messenger.to(user.aadObjectId);
    expect(notices.map(headingOf)).to.deep.equal(['Twoja wiadomość dotarła do działu IT 📬']);
    expect(notices[0]!.texts).to.include(`Dział IT ma już twoje zgłoszenie **${reference}**.`);
  });

  it("the support code and the desk's check speak each reader's language", async () => {
    const code = await as(sam(), 'pl-PL').say('my support code');
    expect(headingOf(code)).to.match(/^Twój kod wsparcia: \d{3} \d{3}$/);
    expect(code.buttons.map((b) => b.title)).to.deep.equal(['Pokaż nowy kod', 'Zaczynajmy ▶']);
    expect(englishLeftOn(code, 'pl-PL')).to.deep.equal([]);
    const digits = /(\d{3}) (\d{3})$/.exec(headingOf(code))!;
    const daniel = testUser('Daniel Okafor', DEMO_USERS.danielOkafor);
    const valid = await as(daniel, 'ur-PK').say(`verify sam.taylor@kscs.org.uk ${digits[1]}${digits[2]}`);
    expect(headingOf(valid)).to.equal('✅ کوڈ درست ہے');
    expect(valid.texts).to.include.members([
      'یہ **Sam Taylor** (sam.taylor@kscs.org.uk) ہیں۔',
      'کلاس / شعبہ: Year 8',
    ]);
    expect(valid.card.rtl).to.equal(true);
  });
});
