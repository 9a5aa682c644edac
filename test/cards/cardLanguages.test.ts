/**
 * The cards moved onto the catalogue (status, language, the guide and its answers, the shared answers, help,
 * support codes and the Temporary Access Pass), rendered in every catalogue's language, pass every card check
 * (phone width, action limits, versions…); right-to-left languages get cards laid out for them.
 */
import { expect } from 'chai';
import { BASE_LOCALE, packageCatalogues } from '../../src/i18n/catalogue';
import { CARD_CHECKS, walkCard } from '../support/cardChecks';
import {
  cardCatalog,
  catalogLocales,
  catalogPolicy,
  guideAnswerSectionIn,
  guideSectionIn,
  helpSectionIn,
  languageSectionIn,
  sharedAnswerSectionIn,
  statusSectionIn,
  supportCodeSectionIn,
  temporaryAccessPassSectionIn,
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
          ? 'is right to left: `rtl` on the card (1.5 clients) and every text aligned right (1.2 clients)'
          : 'is left to right, laid out as the English cards are',
        () => {
          for (const { id, card } of catalog) {
            const texts = [...walkCard(card.body)].filter(({ node }) => node.type === 'TextBlock');
            expect(texts.length, id).to.be.greaterThan(0);
            if (rtl) {
              expect(card.rtl, id).to.equal(true);
              expect(
                texts.filter(({ node }) => node.horizontalAlignment !== 'right').map(({ path }) => path),
                id,
              ).to.deep.equal([]);
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
