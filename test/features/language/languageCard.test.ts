import { expect } from 'chai';
import { languageCard, MOST_LANGUAGE_BUTTONS } from '../../../src/features/language/languageCards';
import { parseCardAction } from '../../../src/features/verbs';
import { CARD_CHECKS } from '../../support/cardChecks';
import { viewContextOn, CATALOG_DATES } from '../../support/cardCatalog';
import { viewCard } from '../../support/cards';

const EIGHT = [
  { locale: 'en-GB', name: 'English' },
  { locale: 'pl', name: 'Polski' },
  { locale: 'ro', name: 'Română' },
  { locale: 'lt', name: 'Lietuvių' },
  { locale: 'pt', name: 'Português' },
  { locale: 'uk', name: 'Українська' },
  { locale: 'ur', name: 'اردو' },
  { locale: 'cy', name: 'Cymraeg' },
];

describe('The language card', () => {
  const ctx = (locale: string) => viewContextOn(CATALOG_DATES[0]!, 'Sam', locale);

  it('is one button per language while they fit, the user’s own ticked', () => {
    const view = viewCard(languageCard(EIGHT.slice(0, MOST_LANGUAGE_BUTTONS), ctx('pl')));
    expect(view.choices).to.deep.equal([]);
    expect(view.buttons.map((b) => b.title)).to.deep.equal([
      'English',
      '✔ Polski',
      'Română',
      'Lietuvių',
      'Português',
      'Українська',
    ]);
    expect(view.buttons[2]!.data).to.deep.equal({ verb: 'language.choose', locale: 'ro' });
  });

  it('past six languages is a list with the user’s own picked and one button that sends the pick', () => {
    const card = languageCard(EIGHT, ctx('pl'));
    const view = viewCard(card);
    expect(view.choices.map((c) => c.title)).to.deep.equal(EIGHT.map((l) => l.name));
    expect(view.choices.filter((c) => c.chosen).map((c) => c.value)).to.deep.equal(['pl']);
    expect(view.buttons.map((b) => b.title)).to.deep.equal(['Użyj tego języka ▶']);
    // What the client sends for a pick: the button's data with the list's value added.
    const sent = { ...view.buttons[0]!.data, [view.choices[0]!.input]: 'cy' };
    expect(parseCardAction(sent)).to.deep.include({ ok: true });
    // Under the heading and its two paragraphs, before anything else.
    expect((card.body as { type: string }[]).map((e) => e.type).slice(0, 4)).to.deep.equal([
      'TextBlock',
      'TextBlock',
      'TextBlock',
      'Input.ChoiceSet',
    ]);
  });

  it('as a list, passes every card check, right to left in Urdu too', () => {
    for (const locale of ['en-GB', 'pl', 'ur']) {
      const card = languageCard(EIGHT, ctx(locale));
      for (const { name, check } of CARD_CHECKS) expect(check(card), `${locale}: ${name}`).to.deep.equal([]);
    }
    expect(languageCard(EIGHT, ctx('ur')).rtl).to.equal(true);
  });

  it('as a list for a user whose language is not on it, starts on the first', () => {
    const view = viewCard(languageCard(EIGHT.slice(1), ctx('en-GB')));
    expect(view.choices.filter((c) => c.chosen).map((c) => c.value)).to.deep.equal(['pl']);
  });
});
