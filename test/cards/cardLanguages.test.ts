/**
 * The cards moved onto the catalogue (status, language, the guide and its answers, the shared answers, help,
 * support codes and the Temporary Access Pass, the campaign's nudges), rendered in every catalogue's language,
 * pass every card check (phone width, action limits, versions…); right-to-left languages get cards laid out
 * for them.
 */
import { expect } from 'chai';
import { evaluateRegistration } from '../../src/domain/registration/evaluateRegistration';
import { nudgeCard, snoozedCard, type NudgeView } from '../../src/features/campaign/nudgeCards';
import { BASE_LOCALE, packageCatalogues } from '../../src/i18n/catalogue';
import { CARD_CHECKS, PHONE_LIMITS, walkCard } from '../support/cardChecks';
import { dayButtonText } from '../../src/features/help/helpCards';
import { alignedByHand } from '../support/cards';
import {
  cardCatalog,
  catalogLocales,
  catalogPolicy,
  guideAnswerSectionIn,
  guideSectionIn,
  helpSectionIn,
  languageSectionIn,
  nudgeSectionIn,
  sharedAnswerSectionIn,
  statusSectionIn,
  supportCodeSectionIn,
  temporaryAccessPassSectionIn,
  viewContextOn,
} from '../support/cardCatalog';

describe('Cards in every language', () => {
  const locales = catalogLocales();

  it('are rendered for each catalogue, in its words', () => {
    expect(locales).to.include.members(['en-GB', 'cy', 'pl', 'ur']);
    const headingOf = (locale: string) =>
      cardCatalog([statusSectionIn(locale)]).find((c) => c.id.startsWith('status-nothing--before-cutoff'))!
        .card.speak;
    expect(headingOf('en-GB')).to.equal("You haven't started yet");
    expect(headingOf('pl')).to.equal('Nic jeszcze nie jest ustawione');
    expect(headingOf('cy')).to.equal('Dwyt ti ddim wedi dechrau eto');
    expect(headingOf('ur')).to.equal('آپ نے ابھی شروع نہیں کیا');
  });

  it('the guide is rendered in each language: headings, buttons and quoted Microsoft labels', () => {
    const cardIn = (locale: string, id: string) => {
      const suffix = locale === BASE_LOCALE ? '' : `--${locale}`;
      const found = cardCatalog([guideSectionIn(locale)]).find(
        (c) => c.id === `${id}${suffix}` || c.sameAs?.includes(`${id}${suffix}`),
      );
      if (!found) throw new Error(`no card ${id}${suffix}`);
      return JSON.stringify(found.card);
    };
    const welcome = 'guide-welcome-install--before-cutoff';
    const open = 'guide-first-app-open--before-cutoff-first-app';
    expect(cardIn('en-GB', welcome)).to.include('"speak":"Hi! 👋"').and.include('"title":"🌐 Language"');
    expect(cardIn('pl', welcome))
      .to.include('"speak":"Cześć! 👋"')
      .and.include('"title":"🌐 Język (Language)"');
    expect(cardIn('ur', welcome))
      .to.include('"speak":"سلام! 👋"')
      .and.include('"title":"🌐 زبان (Language)"');
    expect(cardIn('en-GB', open)).to.include('**Security info**').and.include('"title":"◀ Back"');
    expect(cardIn('pl', open))
      .to.include('**Informacje zabezpieczające**')
      .and.include('"title":"◀ Wstecz"')
      .and.not.include('Security info');
    expect(cardIn('cy', open))
      .to.include('**Gwybodaeth diogelwch (Security info)**')
      .and.include('"title":"◀ Yn ôl"');
    expect(cardIn('ur', open))
      .to.include('**سیکیورٹی کی معلومات (Security info)**')
      .and.include('"title":"▶ واپس"');
  });

  it("the nudges are in each language: heading, facts, the snooze's plural and when it comes back", () => {
    const cardIn = (locale: string, id: string) => {
      const suffix = locale === BASE_LOCALE ? '' : `--${locale}`;
      const found = cardCatalog([nudgeSectionIn(locale)]).find(
        (c) => c.id === `${id}${suffix}` || c.sameAs?.includes(`${id}${suffix}`),
      );
      if (!found) throw new Error(`no card ${id}${suffix}`);
      return found.card;
    };
    expect(cardIn('en-GB', 'nudge-d7-new').speak).to.equal('Reminder, Sam: 7 days left');
    expect(cardIn('pl', 'nudge-d7-new').speak).to.equal('Przypomnienie, Sam: zostało 7 dni');
    expect(cardIn('ur', 'nudge-d7-new').speak).to.equal('یاد دہانی، Sam: 7 دن باقی');
    expect(cardIn('pl', 'nudge-d1-new').speak).to.equal('⚠️ Zostały tylko 3 dni, Sam');
    expect(cardIn('pl', 'nudge-d0-new').speak).to.equal('⚠️ To już dziś, Sam');
    expect(cardIn('pl', 'nudge-d7-unnamed-after-snooze').speak).to.equal('Przypomnienie: zostało 7 dni');
    expect(JSON.stringify(cardIn('pl', 'nudge-d7-new')))
      .to.include('Termin: **poniedziałek, 11 stycznia 2027**')
      .and.include('"title":"Przypomnij mi jutro"')
      .and.not.include('Remind me');
    expect(JSON.stringify(cardIn('pl', 'nudge-snoozed'))).to.include(
      'Napiszę do ciebie znowu: wtorek, godz. 8:30.',
    );
    expect(JSON.stringify(cardIn('ur', 'nudge-cannot-snooze-over'))).to.include(
      'ٹالنے کے لیے کوئی یاد دہانی نہیں',
    );

    // Words the catalog's cards do not reach: snoozes of some hours, and a reminder coming back the same day.
    const policy = catalogPolicy();
    const t = (locale: string) => packageCatalogues(policy.school.timeZone).translatorFor(locale);
    const ctx = (locale: string) =>
      viewContextOn({ key: 'd7', label: 'd7', today: '2027-01-04' }, 'Sam', locale);
    const view = (snoozeHours: number): NudgeView => ({
      campaignId: 'enforcement-2027-01-11',
      nudge: 'd7',
      tone: 'reminder',
      evaluation: evaluateRegistration([], ctx('pl').methods),
      snoozesLeft: 2,
      snoozeHours,
    });
    const snoozeTitle = (locale: string, hours: number) =>
      (nudgeCard(view(hours), ctx(locale)).actions as { title: string }[])[1]!.title;
    expect([2, 5, 22].map((hours) => snoozeTitle('pl', hours))).to.deep.equal([
      'Przypomnij mi za 2 godziny',
      'Przypomnij mi za 5 godzin',
      'Przypomnij mi za 22 godziny',
    ]);
    expect(snoozeTitle('en-GB', 4)).to.equal('Remind me in 4 hours');
    expect(snoozeTitle('en-GB', 48)).to.equal('Remind me later');
    expect(snoozeTitle('ur', 48)).to.equal(t('ur')('campaign.button.snoozeLater'));
    // Back the same day, 14:00 in London.
    const sameDay = (locale: string) =>
      JSON.stringify(snoozedCard(new Date('2027-01-04T14:00:00Z'), 1, undefined, ctx(locale)));
    expect(sameDay('en-GB')).to.include("I'll message you again today at 2pm.");
    expect(sameDay('pl')).to.include('Napiszę do ciebie znowu dziś o 14:00.');
  });

  it('the status card keeps to four buttons: the language one goes where the welcome card has it, never past four', () => {
    for (const locale of locales) {
      const t = packageCatalogues(catalogPolicy().school.timeZone).translatorFor(locale);
      const statusCards = cardCatalog([statusSectionIn(locale)]).filter(
        (c) => c.source === 'statusCards.statusCard',
      );
      expect(statusCards.length).to.be.greaterThan(10);
      const crowded = statusCards
        .filter(({ card }) => (card.actions as unknown[]).length > 4)
        .map((c) => c.id);
      expect(crowded, locale).to.deep.equal([]);
      const titles = (card: Record<string, unknown>) =>
        (card.actions as { title: string }[]).map((a) => a.title);
      const withoutLanguage = statusCards.filter(({ card }) => !titles(card).includes(t('buttons.language')));
      // Those without it are the ones with two fixes: four buttons before it.
      expect(withoutLanguage.length, locale).to.be.greaterThan(0);
      for (const { id, card } of withoutLanguage) expect(titles(card), id).to.have.length(4);
    }
  });

  for (const locale of locales) {
    describe(locale, () => {
      const catalog = cardCatalog([
        statusSectionIn(locale),
        languageSectionIn(locale),
        guideSectionIn(locale),
        guideAnswerSectionIn(locale),
        sharedAnswerSectionIn(locale),
        helpSectionIn(locale),
        supportCodeSectionIn(locale),
        temporaryAccessPassSectionIn(locale),
        nudgeSectionIn(locale),
      ]);

      for (const { name, check } of CARD_CHECKS) {
        it(name, () => {
          const problems = catalog.flatMap((entry) => check(entry.card).map((p) => `${entry.id}: ${p}`));
          expect(problems, problems.join('\n')).to.deep.equal([]);
        });
      }

      const rtl = locale === 'ur';
      it(
        rtl
          ? 'is right to left: `rtl` on the card, and no text aligned by hand (under `rtl`, "right" is the left)'
          : 'is left to right, laid out as the English cards are',
        () => {
          for (const { id, card } of catalog) {
            const texts = [...walkCard(card.body)].filter(({ node }) => node.type === 'TextBlock');
            expect(texts.length, id).to.be.greaterThan(0);
            if (rtl) {
              expect(card.rtl, id).to.equal(true);
              expect(alignedByHand(card), id).to.deep.equal([]);
              // Still declared for Teams mobile: `rtl` is not a reason to drop the phone's version (1.3 with
              // inputs, for their labels).
              const hasInput = [...walkCard(card.body)].some(({ node }) =>
                String(node.type).startsWith('Input.'),
              );
              expect(card.version, id).to.equal(hasInput ? '1.3' : '1.2');
            } else {
              expect(card, id).to.not.have.property('rtl');
              expect(
                texts.some(({ node }) => 'horizontalAlignment' in node),
                id,
              ).to.equal(false);
            }
          }
        },
      );
    });
  }

  it('English cards are the very ones the catalog has always checked', () => {
    const ids = cardCatalog([statusSectionIn(BASE_LOCALE), guideSectionIn(BASE_LOCALE)]).map((c) => c.id);
    expect(ids).to.include('status-nothing--before-cutoff');
    expect(ids).to.include('guide-welcome-install--before-cutoff');
    expect(ids.some((id) => id.endsWith('--en-GB'))).to.equal(false);
  });
});

describe('A day on a help button, in every language', () => {
  it('fits a phone on every day of the year (the weekday, then the month, shortened where the long form does not)', () => {
    const catalogues = packageCatalogues(catalogPolicy().school.timeZone);
    const days = Array.from({ length: 366 }, (_, i) =>
      new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const tooLong = catalogues.locales.flatMap((locale) => {
      const t = catalogues.translatorFor(locale);
      return days
        .map((day) => dayButtonText(day, t))
        .filter((text) => text.length > PHONE_LIMITS.buttonTitle);
    });
    expect(tooLong).to.deep.equal([]);
    const lt = catalogues.translatorFor('lt');
    expect(dayButtonText('2026-12-03', lt)).to.equal('gruodžio 3 d., kt');
    expect(dayButtonText('2026-12-03', catalogues.translatorFor('pl'))).to.equal('czwartek, 3 grudnia');
    expect(dayButtonText('2026-12-03', catalogues.translatorFor('en-GB'))).to.equal('Thursday 3 December');
  });
});
