import { expect } from 'chai';
import { screenText, type SensitiveKind } from '../../src/domain/text/screening';

/** [typed, what is kept, kinds found] */
type Case = [string, string, SensitiveKind[]];

function expectScreened(cases: Case[]): void {
  for (const [typed, kept, found] of cases) {
    expect(screenText(typed), typed).to.deep.equal({ text: kept, found });
  }
}

describe('Screening what users type (one rule for the chat and the help form)', () => {
  it('passwords: the secret after the cue goes, the cue stays so the desk still understands', () => {
    expectScreened([
      ['my password is Sunshine!', 'my password is [removed]', ['password']],
      ['password: Hunter2 and it says wrong', 'password: [removed] and it says wrong', ['password']],
      ['pw is abc123', 'pw is [removed]', ['password']],
      ['pass = Tr0ub4dor', 'pass = [removed]', ['password']],
      ['my new password will be Hello123 ok?', 'my new password will be [removed] ok?', ['password']],
      ['PASSWORD WAS Kitten99', 'PASSWORD WAS [removed]', ['password']],
      ["my password's Summer2026", "my password's [removed]", ['password']],
      ['my password is "two words" now', 'my password is [removed] now', ['password']],
      ['my password is just football', 'my password is just [removed]', ['password']],
      ['passcode = 9911', 'passcode = [removed]', ['password']],
      ['my temporary access pass is Xy7-Q!', 'my temporary access pass is [removed]', ['password']],
    ]);
  });

  it('codes: six digits or more, and four or five digits when they read as a code', () => {
    expectScreened([
      ['123456', '[removed]', ['code']],
      ['code 482 913', 'code [removed]', ['code']],
      ['the code was 12.34.56', 'the code was [removed]', ['code']],
      ['pin 1234', 'pin [removed]', ['code']],
      ['PIN: 1234.', 'PIN: [removed].', ['code']],
      ['code was 48213', 'code was [removed]', ['code']],
      ['the code 4821 did not work', 'the code [removed] did not work', ['code']],
      ['my pin number is 12 34', 'my pin number is [removed]', ['code']],
      ['4821', '[removed]', ['code']],
      [' 48213! ', ' [removed]! ', ['code']],
      ['code 1234 5678', 'code [removed]', ['code']],
    ]);
  });

  it('phone numbers, written every way pupils write them', () => {
    expectScreened([
      ['07700 900123', '[removed]', ['phoneNumber']],
      ['+44 7700 900123', '[removed]', ['phoneNumber']],
      ['call +44 (0)7700-900.123 or 482 913!', 'call [removed] or [removed]!', ['code', 'phoneNumber']],
      ['my number is 07700900123.', 'my number is [removed].', ['phoneNumber']],
    ]);
  });

  it("email addresses, of any domain (the school's too)", () => {
    expectScreened([
      ['jo.bloggs@gmail.com', '[removed]', ['emailAddress']],
      ['send it to Jo.Bloggs+mfa@outlook.co.uk.', 'send it to [removed].', ['emailAddress']],
      ['sam.taylor@kscs.org.uk is me', '[removed] is me', ['emailAddress']],
      ['jo @ gmail.com', '[removed]', ['emailAddress']],
      ['zoë@exämple.de', '[removed]', ['emailAddress']],
    ]);
  });

  it('security answers: the words after the question, up to the end of the clause', () => {
    expectScreened([
      ["my mum's maiden name is Smith", "my mum's maiden name is [removed]", ['securityAnswer']],
      ['my first pet was called Mr Fluffy', 'my first pet was called [removed]', ['securityAnswer']],
      [
        'first pet was called Rex and it still says wrong',
        'first pet was called [removed] and it still says wrong',
        ['securityAnswer'],
      ],
      ['the answer is Blue Peter.', 'the answer is [removed].', ['securityAnswer']],
      ['my answer was Leeds, I think', 'my answer was [removed], I think', ['securityAnswer']],
      ["pet's name: Biscuit", "pet's name: [removed]", ['securityAnswer']],
      ['my favourite teacher is Mrs Khan', 'my favourite teacher is [removed]', ['securityAnswer']],
    ]);
  });

  it('several kinds at once: each goes, each is named once, in a fixed order', () => {
    expectScreened([
      [
        'my password is Sunshine! my email jo.bloggs@gmail.com pin 1234, call 07700 900123, answer: Rex',
        'my password is [removed] my email [removed] pin [removed], call [removed], answer: [removed]',
        ['password', 'code', 'phoneNumber', 'emailAddress', 'securityAnswer'],
      ],
    ]);
  });

  it('keeps what only looks like a number or a cue: years, errors, rooms, dates, versions', () => {
    for (const text of [
      'Year 10',
      'Year 8, room 3L23, error 500 at 10:30, 12345, since 11.01.2027',
      'error 500',
      'room 3L23',
      '2027',
      'in 2026',
      '11.01.2027',
      'is the deadline 11.01.2027 10:30?',
      'deadline 2027-01-11',
      'Windows 11',
      'error code 53003',
      'Error Code: 50076',
      'it says AADSTS500121',
      'I forgot my password',
      'my password is not working',
      "my password's wrong",
      'my password is the same as before',
      'what is my password?',
      'my bus pass is blue',
      'what is the answer?',
      'the answer is no',
      'my support code',
      'at school @ 9.30',
      'the code will not scan',
    ]) {
      expect(screenText(text), text).to.deep.equal({ text, found: [] });
    }
  });

  it('screening its own output changes nothing more', () => {
    const once = screenText(
      'my password is Sunshine! pin 1234 jo@gmail.com, first pet was Rex, 07700 900123',
    );
    expect(screenText(once.text)).to.deep.equal({ text: once.text, found: [] });
  });

  it('stays linear: 100,000-character hostile pastes each take well under a second', () => {
    const N = 100_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
    const hostile = [
      fill('a'),
      fill('a.'),
      fill('a@b.'),
      fill('x @ '),
      fill('1 '),
      fill('1    '),
      fill('1-'),
      `4821${' '.repeat(N)}x`,
      fill('password is '),
      fill('code is '),
      fill('error code '),
      fill('the answer is '),
      fill('maiden name '),
      `password is "${fill('a')}`,
      fill('pin 12 34 jo@x.co my password is ? 11.01.2027 '),
      fill('é@ü.'),
    ];
    for (const text of hostile) {
      const started = process.hrtime.bigint();
      screenText(text);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // About 30 ms here; a pattern gone quadratic takes minutes.
      expect(ms, `${text.slice(0, 20)}…`).to.be.lessThan(1000);
    }
  });
});
