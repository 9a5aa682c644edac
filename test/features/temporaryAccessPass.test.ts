import { expect } from 'chai';
import { passInstructions } from '../../src/domain/supportCodes/temporaryAccessPass';
import { passIssuedCard } from '../../src/features/supportCodes/temporaryAccessPassCards';
import { parseTap } from '../../src/features/supportCodes/temporaryAccessPassReplies';
import { CATALOG_DATES, catalogPolicy, viewContextOn } from '../support/cardCatalog';

describe("The desk's Temporary Access Pass: typed command and card", () => {
  it('reads "tap" with one school email; anything else is not a target', () => {
    expect(parseTap('tap sam.taylor@kscs.org.uk')).to.deep.equal({ upn: 'sam.taylor@kscs.org.uk' });
    expect(parseTap('  TAP   sam.taylor@kscs.org.uk  ')).to.deep.equal({ upn: 'sam.taylor@kscs.org.uk' });
    expect(parseTap('tap')).to.deep.equal({ upn: undefined });
    expect(parseTap('tap the button please')).to.deep.equal({ upn: undefined });
    expect(parseTap('tapping does nothing')).to.equal(undefined);
    expect(parseTap('please tap sam.taylor@kscs.org.uk')).to.equal(undefined);
  });

  it('renders the pass card afresh each time: a pass is never kept in the card cache', () => {
    const times = {
      startsAt: '2026-11-30T10:00:00.000Z',
      expiresAt: '2026-11-30T11:00:00.000Z',
      usableOnce: true,
    };
    const issued = {
      kind: 'issued' as const,
      pass: 'Gm6+f?7w',
      ...times,
      forThePerson: passInstructions(catalogPolicy(), times),
    };
    const { t } = viewContextOn(CATALOG_DATES[0]!);
    const first = passIssuedCard(issued, t);
    const second = passIssuedCard(issued, t);
    expect(first).to.not.equal(second);
    // Cached cards are frozen and shared; this one belongs to its turn alone.
    expect(Object.isFrozen(first)).to.equal(false);
    expect(JSON.stringify(first)).to.equal(JSON.stringify(second));
  });
});
