import { expect } from 'chai';
import { walkCard } from '../support/cardChecks';
import { cardCatalog, type CatalogCard } from '../support/cardCatalog';
import { passageEase, readingEase, readWords, sentences, syllables } from '../support/readingEase';

/**
 * Cards staff read, not pupils: the desk's answers to `verify`, its Temporary Access Pass cards, the IT
 * channel's copy and IT's progress overview.
 */
function forPupils(entry: CatalogCard): boolean {
  if (entry.id === 'support-code-show' || entry.id === 'support-code-usage') return true;
  return !['help-channel', 'support-code-', 'pass-', 'it-view-'].some((staff) => entry.id.startsWith(staff));
}

/** Every sentence a pupil reads on a card (its text blocks). */
function pupilSentences(entry: CatalogCard): string[] {
  const texts: string[] = [];
  for (const { node } of walkCard(entry.card)) {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      const block = node as { type?: unknown; text?: unknown };
      if (block.type === 'TextBlock' && typeof block.text === 'string') texts.push(block.text);
    }
  }
  return texts.flatMap(sentences);
}

/** A pupil aged 12 reads it easily: Flesch reading ease of at least 80. */
const MIN_EASE = 80;
/**
 * Below this many words a sentence's score is one word's syllables ("No problem." scores 78, "Reminder:" −48):
 * short sentences count in their card's score, not alone.
 */
const MIN_WORDS_ALONE = 6;

/** Every pupil card's sentences, and what falls short: a sentence of some length, or the card as a whole. */
function hardToRead(): string[] {
  return cardCatalog()
    .filter(forPupils)
    .flatMap((entry) => {
      const all = pupilSentences(entry);
      const long = all
        .filter((sentence) => readWords(sentence).length >= MIN_WORDS_ALONE)
        .map((sentence) => ({ sentence, ease: readingEase(sentence) }))
        .filter(({ ease }) => ease < MIN_EASE)
        .map(({ sentence, ease }) => `${ease.toFixed(0)}: ${sentence}`);
      const whole = passageEase(all);
      return [...long, ...(whole < MIN_EASE ? [`${whole.toFixed(0)}: the whole card ${entry.id}`] : [])];
    });
}

describe('Reading ease: every sentence pupils read', () => {
  it('counts syllables close to a dictionary', () => {
    const counts = ['phone', 'approve', 'password', 'security', 'notification', 'code', 'tapped', 'the'].map(
      syllables,
    );
    expect(counts).to.deep.equal([1, 2, 2, 4, 5, 1, 1, 1]);
    expect(readingEase('Tap the button.')).to.be.greaterThan(90);
    expect(readingEase('Authentication verification necessitates considerable deliberation.')).to.be.lessThan(
      0,
    );
    expect(
      passageEase(['Tap the button.', 'Authentication verification necessitates deliberation.']),
    ).to.be.lessThan(80);
  });

  it(`scores at least ${MIN_EASE}, sentence by sentence and card by card, on every card a pupil sees`, () => {
    const problems = [...new Set(hardToRead())];
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
