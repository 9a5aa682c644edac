import { expect } from 'chai';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { installActivity, submitActivity, testUser, type TestUser } from '../support/activities';
import { alignedByHand, button, cardsOf, headingOf, onlyCard, type CardView } from '../support/cards';
import { packageCatalogues } from '../../src/i18n/catalogue';
import { ConversationHarness } from '../support/conversationHarness';
import { englishLeftOn } from '../support/translatedCards';
import { cardWalk } from '../support/walk';

describe("The conversation in the pupil's language", () => {
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
  const languageCount = packageCatalogues('Europe/London').languages().length;

  /** The languages the card offers as the user sees them: its buttons, or its list (✔ on the one picked). */
  const offered = (card: CardView) =>
    card.choices.length > 0
      ? card.choices.map((c) => (c.chosen ? `✔ ${c.title}` : c.title))
      : card.buttons.map((b) => b.title);
  /** What the client sends when the user picks `name`: its button, or the list's choice and the one button. */
  const picking = (card: CardView, name: string) => {
    const choice = card.choices.find((c) => c.title === name);
    if (!choice) return button(card, name).data;
    expect(card.buttons).to.have.length(1);
    return { ...card.buttons[0]!.data, [choice.input]: choice.value };
  };

  it('a pupil whose Teams is in Polish gets the status card in Polish, and typed Polish is understood', async () => {
    const card = await as(sam(), 'pl-PL').say('status');
    expect(headingOf(card)).to.equal('Nic jeszcze nie jest ustawione');
    expect(card.texts).to.include.members([
      '⬜ **Aplikacja Microsoft Authenticator**: nie ustawiono',
      'Reset hasła (SSPR): ❌ Jeszcze nie',
      'Termin: poniedziałek, 11 stycznia 2027 (zostały 42 dni)',
    ]);
    expect(card.buttons.map((b) => b.title)).to.deep.equal([
      'Zacznij ustawiać ▶',
      'Zrobione ✔',
      'Potrzebuję pomocy',
      '🌐 Język (Language)',
    ]);
    // "Check" in Polish; in English the same word means nothing.
    expect(headingOf(await as(sam(), 'pl-PL').say('Sprawdź'))).to.equal('Nic jeszcze nie jest ustawione');
    expect(headingOf(await as(sam(), 'en-GB').say('Sprawdź'))).to.equal("Sorry, I didn't get that");
    // The guide it leads into speaks Polish too.
    const step = await as(sam(), 'pl-PL').press(card, 'Zacznij ustawiać ▶');
    expect(headingOf(step)).to.equal('Wybierz pierwszą metodę');
  });

  it('a language chosen on the card is remembered across turns and restarts, over what Teams says', async () => {
    const user = sam();
    const choose = await as(user, 'en-GB').say('language');
    expect(headingOf(choose)).to.equal('Choose your language');
    expect(offered(choose)).to.have.length(languageCount);
    expect(offered(choose)).to.include.members(['✔ English', 'Polski', 'Português', 'Română', 'اردو']);
    const chosen = onlyCard(
      await h.send(submitActivity(user, picking(choose, 'Polski'), { locale: 'en-GB' })),
    );
    expect(headingOf(chosen)).to.equal('OK, od teraz piszę do ciebie po polsku.');
    expect((await h.progress.get(user.aadObjectId))?.value.language).to.equal('pl');

    const status = await as(user, 'en-GB').say('status');
    expect(headingOf(status)).to.equal('Nic jeszcze nie jest ustawione');
    // Moving through the guide keeps the choice, starting it again too.
    const step = await as(user, 'en-GB').press(status, 'Zacznij ustawiać ▶');
    await as(user, 'en-GB').press(step, 'Zacznij od nowa');
    expect((await h.progress.get(user.aadObjectId))?.value).to.include({
      step: 'chooseFirst',
      language: 'pl',
    });
    h.restart();
    const later = await as(user, 'en-GB').say('status');
    expect(headingOf(later)).to.equal('Nic jeszcze nie jest ustawione');

    // And back to English from the status card, although Teams says Polish.
    const again = await as(user, 'pl-PL').press(later, '🌐 Język (Language)');
    expect(headingOf(again)).to.equal('Wybierz język');
    expect(offered(again)).to.include.members(['English', '✔ Polski', 'اردو']);
    await h.send(submitActivity(user, picking(again, 'English'), { locale: 'pl-PL' }));
    expect(headingOf(await as(user, 'pl-PL').say('status'))).to.equal("You haven't started yet");
  });

  it('keeps the Teams language it last saw through an install that says none (for the nudges)', async () => {
    const user = sam();
    await as(user, 'pl-PL').say('status');
    expect((await h.references.get(user.aadObjectId))?.locale).to.equal('pl-PL');
    await h.send(installActivity(user, { locale: '' }));
    expect((await h.references.get(user.aadObjectId))?.locale).to.equal('pl-PL');
  });

  it('a language Teams reports that there is no catalogue for gets English', async () => {
    expect(headingOf(await as(sam(), 'fr-FR').say('status'))).to.equal("You haven't started yet");
    expect(headingOf(await as(sam(), 'en-US').say('status'))).to.equal("You haven't started yet");
  });

  it('an Urdu pupil gets right-to-left cards, and "language" typed in Urdu is understood', async () => {
    const status = await as(sam(), 'ur-PK').say('میرا اسٹیٹس');
    expect(headingOf(status)).to.equal('آپ نے ابھی شروع نہیں کیا');
    expect(status.card.rtl).to.equal(true);
    const choose = await as(sam(), 'ur-PK').say('زبان');
    expect(headingOf(choose)).to.equal('اپنی زبان چنیں');
    expect(offered(choose)).to.include.members(['English', 'Polski', '✔ اردو']);
  });

  it('refuses a language button for a language there is no catalogue for, and keeps the one chosen', async () => {
    const user = sam();
    const refused = onlyCard(await h.send(submitActivity(user, { verb: 'language.choose', locale: 'fr' })));
    expect(headingOf(refused)).to.equal("That option isn't available now");
    expect((await h.progress.get(user.aadObjectId))?.value.language).to.equal(undefined);
  });

  describe('the guide', () => {
    /** The welcome a pupil gets when they install the app, their Teams set to `locale`. */
    const installedAs = async (user: TestUser, locale: string) =>
      onlyCard(await h.send(installActivity(user, { locale })));
    /** The text blocks of a right-to-left card that set their own alignment (none may), by their path. */
    const notRight = (view: CardView) => alignedByHand(view.card);

    it('a pupil whose Teams is in Polish is welcomed in Polish and walks the guide in Polish', async () => {
      const user = sam();
      const welcome = await installedAs(user, 'pl-PL');
      expect(headingOf(welcome)).to.equal('Cześć, Sam! 👋');
      expect(welcome.texts).to.include('Termin: poniedziałek, 11 stycznia 2027 (zostały 42 dni)');
      expect(welcome.buttons.map((b) => b.title)).to.deep.equal([
        'Zaczynajmy ▶',
        'Co to jest?',
        'Potrzebuję pomocy',
        '🌐 Język (Language)',
      ]);
      expect(welcome.card).to.not.have.property('rtl');

      const choose = await as(user, 'pl-PL').press(welcome, 'Zaczynajmy ▶');
      expect(headingOf(choose)).to.equal('Wybierz pierwszą metodę');
      expect(choose.buttons.map((b) => b.title)).to.include.members([
        'Wybieram aplikację',
        '◀ Wstecz',
        'Nie daję rady',
        'Zacznij od nowa',
      ]);
      const get = await as(user, 'pl-PL').press(choose, 'Wybieram aplikację');
      expect(headingOf(get)).to.equal('Pobierz aplikację Microsoft Authenticator');
      expect(get.texts).to.include('Metoda 1 z 2');
      const open = await as(user, 'pl-PL').press(get, 'Mam aplikację ▶');
      expect(headingOf(open)).to.equal('Otwórz stronę rejestracji');
      // Microsoft's page, quoted as Microsoft's Polish pages label it.
      expect(open.texts.join('\n'))
        .to.include('**Informacje zabezpieczające**')
        .and.not.include('Security info');
      expect(open.buttons.map((b) => b.title)).to.deep.equal([
        'Otwórz aka.ms/mfasetup',
        'Widzę kod QR ▶',
        'Mam tylko telefon',
        '◀ Wstecz',
        'Nie daję rady',
        'Zacznij od nowa',
      ]);
      expect((await h.progress.get(user.aadObjectId))?.value.step).to.equal('first.app.open');

      // The answers every feature shares speak Polish too: to a code typed in the chat, to what nobody understood.
      const refused = await as(user, 'pl-PL').say('123456');
      expect(headingOf(refused)).to.equal('⚠️ Nie wysyłaj mi tego');
      expect(refused.texts).to.include(
        'Twoja wiadomość wygląda jak kod. Nie zapisuję tego i nigdy tego nie potrzebuję.',
      );
      expect(headingOf(await as(user, 'pl-PL').say('fioletowa małpa'))).to.equal('Przepraszam, nie rozumiem');

      // The welcome's language button leads to the language card, in Polish.
      expect(headingOf(await as(user, 'pl-PL').press(welcome, '🌐 Język (Language)'))).to.equal(
        'Wybierz język',
      );
    });

    it("a pupil whose Teams is in Welsh is welcomed in Welsh and walks the guide in Welsh, Microsoft's labels with the English in brackets", async () => {
      const user = sam();
      const welcome = await installedAs(user, 'cy-GB');
      expect(headingOf(welcome)).to.equal('Helo Sam! 👋');
      expect(welcome.texts).to.include('Dyddiad cau: Dydd Llun, 11 Ionawr 2027 (42 diwrnod i fynd)');
      expect(welcome.buttons.map((b) => b.title)).to.deep.equal([
        'Awn ati ▶',
        'Beth yw hwn?',
        'Mae angen help arna i',
        '🌐 Iaith (Language)',
      ]);
      expect(welcome.card).to.not.have.property('rtl');
      expect(englishLeftOn(welcome, 'cy-GB')).to.deep.equal([]);

      const choose = await as(user, 'cy-GB').press(welcome, 'Awn ati ▶');
      expect(headingOf(choose)).to.equal('Dewisa dy ddull cyntaf');
      expect(choose.buttons.map((b) => b.title)).to.include.members([
        "Defnyddio'r ap",
        '◀ Yn ôl',
        "Dw i'n sownd",
        'Dechrau eto',
      ]);
      expect(englishLeftOn(choose, 'cy-GB')).to.deep.equal([]);
      const get = await as(user, 'cy-GB').press(choose, "Defnyddio'r ap");
      expect(headingOf(get)).to.equal("Lawrlwytha'r ap Microsoft Authenticator");
      expect(get.texts).to.include('Dull 1 o 2');
      expect(englishLeftOn(get, 'cy-GB')).to.deep.equal([]);
      const open = await as(user, 'cy-GB').press(get, "Mae'r ap gen i ▶");
      expect(headingOf(open)).to.equal('Agor y dudalen gofrestru');
      // Microsoft's page may show in Welsh or in English: its labels are quoted in Welsh, the English beside them.
      expect(open.texts.join('\n'))
        .to.include('**Gwybodaeth diogelwch (Security info)**')
        .and.include('**Nesaf (Next)**');
      expect(open.buttons.map((b) => b.title)).to.deep.equal([
        'Agor aka.ms/mfasetup',
        "Dw i'n gweld cod QR ▶",
        'Dim ond fy ffôn sydd gen i',
        '◀ Yn ôl',
        "Dw i'n sownd",
        'Dechrau eto',
      ]);
      expect(englishLeftOn(open, 'cy-GB')).to.deep.equal([]);
      expect((await h.progress.get(user.aadObjectId))?.value.step).to.equal('first.app.open');
      // Typed Welsh is understood.
      expect(headingOf(await as(user, 'cy-GB').say('beth sydd ar ôl'))).to.equal(
        'Dwyt ti ddim wedi dechrau eto',
      );
      // The welcome's language button offers Welsh by its own name, ticked.
      const languages = await as(user, 'cy-GB').press(welcome, '🌐 Iaith (Language)');
      expect(headingOf(languages)).to.equal('Dewisa dy iaith');
      expect(offered(languages)).to.include('✔ Cymraeg');
    });

    it('a pupil whose Teams is in Urdu gets the welcome and the guide in Urdu, laid out right to left', async () => {
      const user = sam();
      const welcome = await installedAs(user, 'ur-PK');
      expect(headingOf(welcome)).to.equal('سلام Sam! 👋');
      expect(welcome.buttons.map((b) => b.title)).to.deep.equal([
        'شروع کریں ◀',
        'یہ کیا ہے؟',
        'مجھے مدد چاہیے',
        '🌐 زبان (Language)',
      ]);
      expect(welcome.card.rtl).to.equal(true);
      expect(notRight(welcome)).to.deep.equal([]);

      const choose = await as(user, 'ur-PK').press(welcome, 'شروع کریں ◀');
      expect(headingOf(choose)).to.equal('اپنا پہلا طریقہ چنیں');
      expect(choose.card.rtl).to.equal(true);
      expect(notRight(choose)).to.deep.equal([]);
      const get = await as(user, 'ur-PK').press(choose, 'ایپ استعمال کریں');
      expect(headingOf(get)).to.equal('Microsoft Authenticator ایپ حاصل کریں');
      expect(get.texts).to.include('طریقہ 1 از 2');
      expect(get.buttons.map((b) => b.title)).to.deep.equal([
        'App Store (iPhone)',
        'Google Play (Android)',
        'ایپ مل گئی ◀',
        '▶ واپس',
        'میں پھنس گیا ہوں',
        'دوبارہ شروع کریں',
      ]);
      expect(get.card.rtl).to.equal(true);
      expect(notRight(get)).to.deep.equal([]);
    });

    /** The welcome, the first choice, getting the app and Microsoft's page, as a pupil whose Teams is in `locale` sees them. */
    const welcomedAndGuided = async (
      locale: string,
      words: { start: string; useApp: string; gotApp: string },
    ) => {
      const user = sam();
      const welcome = await installedAs(user, locale);
      const choose = await as(user, locale).press(welcome, words.start);
      const get = await as(user, locale).press(choose, words.useApp);
      const open = await as(user, locale).press(get, words.gotApp);
      for (const view of [welcome, choose, get, open]) {
        expect(englishLeftOn(view, locale), headingOf(view)).to.deep.equal([]);
        expect(view.card).to.not.have.property('rtl');
      }
      return { welcome, choose, get, open };
    };

    it('a pupil whose Teams is in Romanian is welcomed in Romanian and walks the guide in it', async () => {
      const { welcome, choose, get, open } = await welcomedAndGuided('ro-RO', {
        start: 'Să începem ▶',
        useApp: 'Aleg aplicația',
        gotApp: 'Am aplicația ▶',
      });
      expect(headingOf(welcome)).to.equal('Salut, Sam! 👋');
      expect(welcome.texts).to.include('Termen: luni, 11 ianuarie 2027 (mai sunt 42 de zile)');
      expect(welcome.buttons.map((b) => b.title)).to.deep.equal([
        'Să începem ▶',
        'Ce este asta?',
        'Am nevoie de ajutor',
        '🌐 Limba (Language)',
      ]);
      expect(headingOf(choose)).to.equal('Alege prima metodă');
      expect(choose.buttons.map((b) => b.title)).to.include.members([
        'Aleg aplicația',
        '◀ Înapoi',
        'M-am blocat',
        'Ia-o de la capăt',
      ]);
      expect(headingOf(get)).to.equal('Ia aplicația Microsoft Authenticator');
      expect(get.texts).to.include('Metoda 1 din 2');
      expect(headingOf(open)).to.equal('Deschide pagina de înregistrare');
      // Microsoft's page as its Romanian pages label it; the English label in brackets where that is not sure.
      expect(open.texts.join('\n'))
        .to.include('**Informații de securitate**')
        .and.include('**Păstrați-vă contul în siguranță (Keep your account secure)**')
        .and.include('**Următorul**');
      expect(open.buttons.map((b) => b.title)).to.include.members(['Văd un cod QR ▶', 'Am doar telefonul']);
      // What a Romanian pupil types, with or without its accents.
      expect(headingOf(await as(sam(), 'ro-RO').say('Verifica statusul'))).to.equal('Încă nu ai început');
      expect(headingOf(await as(sam(), 'ro-RO').say('limba'))).to.equal('Alege limba');
    });

    for (const locale of ['pt-PT', 'pt-BR']) {
      it(`a pupil whose Teams is in Portuguese (${locale}) is welcomed in Portugal's Portuguese and walks the guide in it`, async () => {
        const { welcome, choose, get, open } = await welcomedAndGuided(locale, {
          start: 'Vamos começar ▶',
          useApp: 'Usar a aplicação',
          gotApp: 'Já tenho a aplicação ▶',
        });
        expect(headingOf(welcome)).to.equal('Olá, Sam! 👋');
        expect(welcome.texts).to.include('Prazo: segunda-feira, 11 de janeiro de 2027 (faltam 42 dias)');
        expect(welcome.buttons.map((b) => b.title)).to.deep.equal([
          'Vamos começar ▶',
          'O que é isto?',
          'Preciso de ajuda',
          '🌐 Língua (Language)',
        ]);
        expect(headingOf(choose)).to.equal('Escolhe o primeiro método');
        expect(choose.buttons.map((b) => b.title)).to.include.members([
          'Usar a aplicação',
          '◀ Voltar',
          'Estou encravado',
          'Começar de novo',
        ]);
        expect(headingOf(get)).to.equal('Instala a aplicação Microsoft Authenticator');
        expect(get.texts).to.include('Método 1 de 2');
        expect(headingOf(open)).to.equal('Abre a página de registo');
        expect(open.texts.join('\n'))
          .to.include('**Informações de segurança**')
          .and.include('**Manter a sua conta segura (Keep your account secure)**')
          .and.include('**Seguinte**');
        expect(open.buttons.map((b) => b.title)).to.include.members([
          'Estou a ver um código QR ▶',
          'Só tenho o telemóvel',
        ]);
        expect(headingOf(await as(sam(), locale).say('o meu estado'))).to.equal('Ainda não começaste');
        expect(headingOf(await as(sam(), locale).say('idioma'))).to.equal('Escolhe a tua língua');
      });
    }

    const pupils = [
      {
        language: 'Lithuanian',
        locale: 'lt-LT',
        name: 'Lietuvių',
        welcome: 'Labas, Sam! 👋',
        deadline: 'Terminas: 2027 m. sausio 11 d., pirmadienis (liko 42 dienos)',
        welcomeButtons: ['Pradėkime ▶', 'Kas tai?', 'Man reikia pagalbos', '🌐 Kalba (Language)'],
        choose: 'Pasirink pirmą būdą',
        chooseButtons: ['Rinktis programėlę', '◀ Atgal', 'Užstrigau', 'Pradėti iš naujo'],
        get: 'Atsisiųsk programėlę Microsoft Authenticator',
        progress: '1 būdas iš 2',
        gotApp: 'Turiu programėlę ▶',
        open: 'Atidaryk registracijos puslapį',
        typedStatus: 'mano busena',
        notStarted: 'Dar nieko nenustatei',
        typedLanguage: 'kalba',
        typedLostPhone: 'pamečiau telefoną',
        lostPhone: 'Pametei telefoną?',
        chooseLanguage: 'Pasirink kalbą',
        labels: [
          '**Apsaugokite savo paskyrą (Keep your account secure)**',
          '**Saugos informacija**',
          '**Toliau**',
        ],
      },
      {
        language: 'Ukrainian',
        locale: 'uk-UA',
        name: 'Українська',
        welcome: 'Привіт, Sam! 👋',
        deadline: 'Термін: понеділок, 11 січня 2027 р. (залишилося 42 дні)',
        welcomeButtons: ['Почнімо ▶', 'Що це?', 'Мені потрібна допомога', '🌐 Мова (Language)'],
        choose: 'Вибери перший спосіб',
        chooseButtons: ['Вибираю застосунок', '◀ Назад', 'Не виходить', 'Почати знову'],
        get: 'Завантаж застосунок Microsoft Authenticator',
        progress: 'Спосіб 1 з 2',
        gotApp: 'У мене є застосунок ▶',
        open: 'Відкрий сторінку реєстрації',
        typedStatus: 'мій статус',
        notStarted: 'Ще нічого не налаштовано',
        typedLanguage: 'мова',
        typedLostPhone: 'загубив телефон',
        lostPhone: 'Загубився телефон?',
        chooseLanguage: 'Вибери мову',
        labels: [
          '**Захистіть свій обліковий запис (Keep your account secure)**',
          '**Відомості про безпеку**',
          '**Далі**',
        ],
      },
    ];
    for (const pupil of pupils) {
      it(`a pupil whose Teams is in ${pupil.language} is welcomed in it and starts the guide in it, Microsoft's labels as its pages show them`, async () => {
        const user = sam();
        const welcome = await installedAs(user, pupil.locale);
        expect(headingOf(welcome)).to.equal(pupil.welcome);
        expect(welcome.texts).to.include(pupil.deadline);
        expect(welcome.buttons.map((b) => b.title)).to.deep.equal(pupil.welcomeButtons);
        expect(welcome.card).to.not.have.property('rtl');

        const choose = await as(user, pupil.locale).press(welcome, pupil.welcomeButtons[0]!);
        expect(headingOf(choose)).to.equal(pupil.choose);
        expect(choose.buttons.map((b) => b.title)).to.include.members(pupil.chooseButtons);
        const get = await as(user, pupil.locale).press(choose, pupil.chooseButtons[0]!);
        expect(headingOf(get)).to.equal(pupil.get);
        expect(get.texts).to.include(pupil.progress);
        const open = await as(user, pupil.locale).press(get, pupil.gotApp);
        expect(headingOf(open)).to.equal(pupil.open);
        for (const label of pupil.labels) expect(open.texts.join('\n')).to.include(label);
        expect((await h.progress.get(user.aadObjectId))?.value.step).to.equal('first.app.open');

        for (const card of [welcome, choose, get, open])
          expect(englishLeftOn(card, pupil.locale), headingOf(card)).to.deep.equal([]);

        // What a pupil types in it is understood: their status (typed without its accents), the language card, a lost phone.
        const status = await as(user, pupil.locale).say(pupil.typedStatus);
        expect(headingOf(status)).to.equal(pupil.notStarted);
        expect(englishLeftOn(status, pupil.locale)).to.deep.equal([]);
        const languages = await as(user, pupil.locale).say(pupil.typedLanguage);
        expect(headingOf(languages)).to.equal(pupil.chooseLanguage);
        expect(headingOf(await as(user, pupil.locale).say(pupil.typedLostPhone))).to.equal(pupil.lostPhone);
        expect(offered(languages)).to.have.length(languageCount);
        expect(offered(languages)).to.include(`✔ ${pupil.name}`);
      });
    }

    it('a pupil whose Teams is in English (any region) gets the guide as it always was', async () => {
      const user = sam();
      const welcome = await installedAs(user, 'en-US');
      expect(headingOf(welcome)).to.equal('Hi Sam! 👋');
      expect(welcome.texts).to.include('Deadline: Monday 11 January 2027 (42 days to go)');
      expect(welcome.card).to.not.have.property('rtl');
      const choose = await as(user, 'en-US').press(welcome, "Let's start ▶");
      expect(headingOf(choose)).to.equal('Choose your first method');
      const get = await as(user, 'en-US').press(choose, 'Use the app');
      expect(headingOf(get)).to.equal('Get the Microsoft Authenticator app');
      expect(get.buttons.map((b) => b.title)).to.deep.equal([
        'App Store (iPhone)',
        'Google Play (Android)',
        "I've got the app ▶",
        '◀ Back',
        "I'm stuck",
        'Start again',
      ]);
    });
  });
});
