import { expect } from 'chai';
import {
  composeEscalationMail,
  headerSafe,
  type EscalationMailInput,
} from '../../../src/domain/escalation/escalationMail';
import { cleanFreeText } from '../../../src/domain/escalation/freeText';
import { parseReference, referenceFrom, REFERENCE_ALPHABET } from '../../../src/domain/escalation/reference';

describe("Escalation text: references, the user's words, the mail", () => {
  it('references use an alphabet without look-alikes, evenly, and are read back however they are written', () => {
    expect(REFERENCE_ALPHABET).to.not.match(/[0O1IL5S8B2ZUV]/);
    const counts = new Map<string, number>();
    const usable = 256 - (256 % REFERENCE_ALPHABET.length);
    for (let i = 0; i < usable; i++) {
      const ref = referenceFrom(new Uint8Array([i, i, i, i, 0, 0, 0, 0]));
      counts.set(ref[4]!, (counts.get(ref[4]!) ?? 0) + 1);
    }
    // Bytes past the last whole multiple of the alphabet are skipped, so each character is equally likely.
    expect(new Set(counts.values()).size).to.equal(1);
    expect(referenceFrom(new Uint8Array([255, 0, 1, 2, 3]))).to.equal(
      referenceFrom(new Uint8Array([0, 1, 2, 3])),
    );
    expect(referenceFrom(new Uint8Array([0, 1, 2, 3]))).to.equal('MFA-3467');
    expect(parseReference('mfa 3467')).to.equal('MFA-3467');
    expect(parseReference(' MFA-x9tq ')).to.equal('MFA-X9TQ');
    expect(parseReference('MFA-0000')).to.equal(undefined);
    expect(parseReference('pupil@kscs.org.uk')).to.equal(undefined);
  });

  it('cleans typed words: line breaks normalised, controls and direction overrides removed, cut at whole characters', () => {
    expect(cleanFreeText('  a\r\nb\rc\u2028d\u0000\u0007e\u001b[31m  ', 500)).to.deep.equal({
      text: 'a\nb\nc\nde[31m',
      truncated: false,
      removed: [],
    });
    expect(cleanFreeText('abc\u202Eevil\u202C\u2066x\u2069', 500).text).to.equal('abcevilx');
    expect(cleanFreeText('مرحبا \u200F ok', 500).text).to.equal('مرحبا \u200F ok');
    expect(cleanFreeText('lone \uD800 surrogate', 500).text).to.equal('lone \uFFFD surrogate');
    const emoji = '👍🏽👨‍👩‍👧e\u0301';
    expect(cleanFreeText(emoji.repeat(3), 4)).to.deep.equal({
      text: `${emoji}👍🏽`.normalize('NFC'),
      truncated: true,
      removed: [],
    });
    expect(cleanFreeText('x'.repeat(10_000), 500).text).to.have.length(500);
  });

  it('takes codes and phone numbers out of the words, however they are written, and keeps the rest', () => {
    expect(cleanFreeText('texts never come to my mobile 07700 900123, code was 123456', 500)).to.deep.equal({
      text: 'texts never come to my mobile [removed], code was [removed]',
      truncated: false,
      removed: ['code', 'phoneNumber'],
    });
    expect(cleanFreeText('call +44 (0)7700-900.123 or 482 913!', 500).text).to.equal(
      'call [removed] or [removed]!',
    );
    // The rule runs before the cut: an address straddling the limit is not left half-kept.
    expect(cleanFreeText(`${'x'.repeat(490)} jo.bloggs@gmail.com`, 500)).to.deep.equal({
      text: `${'x'.repeat(490)} [removed]`,
      truncated: false,
      removed: ['emailAddress'],
    });
    expect(cleanFreeText(`${'x'.repeat(495)} my password is Sunshine!`, 500)).to.deep.equal({
      text: `${'x'.repeat(495)} my p`,
      truncated: true,
      removed: ['password'],
    });
    expect(cleanFreeText('the code was 12.34.56', 500).text).to.equal('the code was [removed]');
    expect(
      cleanFreeText('Year 8, room 3L23, error 500 at 10:30, 12345, since 11.01.2027', 500),
    ).to.deep.equal({
      text: 'Year 8, room 3L23, error 500 at 10:30, 12345, since 11.01.2027',
      truncated: false,
      removed: [],
    });
  });

  it('cuts a huge paste quickly (a 200,000-character submit once exhausted the heap)', () => {
    const started = performance.now();
    const cut = cleanFreeText('x'.repeat(200_000), 500);
    expect(performance.now() - started).to.be.below(250);
    expect(cut).to.deep.equal({ text: 'x'.repeat(500), truncated: true, removed: [] });
    // Input cut before cleaning never leaves half an emoji sequence (each family here is 11 UTF-16 units).
    const family = '👨‍👩‍👧‍👦';
    const families = cleanFreeText(family.repeat(100), 50);
    expect(families.truncated).to.equal(true);
    expect(families.text).to.equal(family.repeat(36));
  });

  it('keeps every typed character out of the headers and escaped in the body', () => {
    const input: EscalationMailInput = {
      escalationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      reference: 'MFA-7K2Q',
      createdAt: '2026-11-30T10:42:00Z',
      timeZone: 'Europe/London',
      schoolName: 'Ken Stimpson Community School',
      category: 'errorMessage',
      way: 'book',
      booking: { day: '2026-12-01', part: 'afternoon' },
      words: { text: '</div><b onmouseover="x">\'&\nBcc: a@b.c', truncated: true, maxLength: 500 },
      stepTitle: 'Scan the QR code',
      person: {
        id: 'u1',
        displayName: 'Evil\r\nBcc: x@y.z <Name>',
        userPrincipalName: 'pupil@kscs.org.uk',
        department: 'Year 8 & 9',
        accountEnabled: false,
      },
      userId: 'u1',
      sender: 'desk@kscs.org.uk',
      recipient: 'desk@kscs.org.uk',
    };
    const mail = composeEscalationMail(input);
    expect(mail.subject).to.equal('[MFA-7K2Q] MFA help: Error message');
    expect(mail.replyTo).to.deep.equal({ address: 'pupil@kscs.org.uk', name: 'Evil Bcc: x@y.z <Name>' });
    expect(mail.internetMessageId).to.equal('<0f8fad5b-d9cb-469f-a165-70867728950e.mfa-7k2q@kscs.org.uk>');
    // Screened again on the way out (a request stored before the rule knew addresses): the address goes.
    expect(mail.html).to.contain(
      '&lt;/div&gt;&lt;b onmouseover=&quot;x&quot;&gt;&#39;&amp;<br>\nBcc: [removed]',
    );
    expect(mail.html).to.not.contain('a@b.c');
    expect(mail.html).to.contain('([removed] marks something the bot took out before keeping their words');
    expect(mail.html).to.contain('Evil\r\nBcc: x@y.z &lt;Name&gt;');
    expect(mail.html).to.contain('Year 8 &amp; 9');
    expect(mail.html).to.contain('DISABLED in Entra ID');
    expect(mail.html).to.contain('Wants to book a time: Tuesday 1 December 2026, afternoon');
    // In the school's zone (ICU's punctuation varies between Node versions, so only the parts are checked).
    expect(mail.html).to.match(/Monday,? 30 November 2026,? (at )?10:42/);
    expect(mail.html).to.contain('Microsoft could not be asked in time');
    expect(mail.html).to.contain('(Shortened to the first 500 characters.)');
    expect(mail.html).to.not.match(/<b onmouseover|<\/div><b/);
    // A reply-to that is not a plain address is left out rather than passed on.
    expect(
      composeEscalationMail({ ...input, person: { ...input.person!, userPrincipalName: 'a@b.c>\r\nX: y' } })
        .replyTo,
    ).to.equal(undefined);
    expect(headerSafe('a\r\nb\tc\u2028d', 5)).to.equal('a b c');
  });

  it("names the user's language in the body when they read the bot in another, escaped (a school writes the name)", () => {
    const input: EscalationMailInput = {
      escalationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      reference: 'MFA-7K2Q',
      createdAt: '2026-11-30T10:42:00Z',
      timeZone: 'Europe/London',
      schoolName: 'Ken Stimpson Community School',
      category: 'appWontScan',
      way: 'walkIn',
      stepTitle: 'Scan the QR code',
      userId: 'u1',
      sender: 'desk@kscs.org.uk',
      recipient: 'desk@kscs.org.uk',
    };
    const row = /<tr><th[^>]*>Their language<\/th><td[^>]*>(.*?)<\/td><\/tr>/;
    expect(row.exec(composeEscalationMail({ ...input, language: 'Polski (pl)' }).html)?.[1]).to.equal(
      'Polski (pl)',
    );
    expect(row.exec(composeEscalationMail({ ...input, language: '<b>X</b> (x)' }).html)?.[1]).to.equal(
      '&lt;b&gt;X&lt;/b&gt; (x)',
    );
    const english = composeEscalationMail(input);
    expect(english.html).to.not.contain('language');
    // The subject stays the desk's, whatever the user's language.
    expect(composeEscalationMail({ ...input, language: 'Polski (pl)' }).subject).to.equal(english.subject);
  });
});
