import { expect } from 'chai';
import {
  ENGLISH_LEXICON,
  lexiconWith,
  normalise,
  understand,
  type Lexicon,
} from '../../src/domain/text/intents';

describe('free-text intents', () => {
  const cases: [string, string][] = [
    ['Status', 'status'],
    ['statsu', 'status'],
    ['am I done?', 'status'],
    ['HELP', 'help'],
    ['hlep', 'help'],
    ['im stuck', 'help'],
    ["it doesn't work", 'help'],
    ['I lost my phone', 'lostPhone'],
    ['phone got stolen', 'lostPhone'],
    ['i got a new phone', 'newPhone'],
    ['no smartphone', 'noSmartphone'],
    ['no smarthpone', 'noSmartphone'],
    ["I don't have a phone", 'noSmartphone'],
    ['what is this', 'whatIsThis'],
    ["what's 2FA?", 'whatIsThis'],
    ['wat is mfa', 'whatIsThis'],
    ['hiya', 'greeting'],
    ['Good morning!', 'greeting'],
    ['start', 'start'],
    ['start again', 'restart'],
    ['carry on', 'resume'],
    ["I've done it", 'done'],
    ['done', 'done'],
    ['thank you', 'thanks'],
    // Ordinary words a typo away from "done" are not "I've done it" (which makes a live Graph check).
    ["I don't understand", 'help'],
    ['i dont get it', 'help'],
    ['my phone is gone', 'unknown'],
    ['none of it works', 'unknown'],
    ["I'm not done", 'resume'],
    ["I haven't done it", 'resume'],
    ['not finished yet', 'resume'],
    // A negation elsewhere in the message does not turn "done" around.
    ['all done, no errors', 'done'],
    ["I'm done, can't believe it", 'done'],
    ['dnoe', 'done'],
    ['banana', 'unknown'],
    ['', 'unknown'],
    ['   ', 'unknown'],
  ];
  for (const [text, intent] of cases) {
    it(`"${text}" → ${intent}`, () => expect(understand(text).intent).to.equal(intent));
  }

  describe('a sign-in the pupil did not start', () => {
    // Read as notMe, the pupil is told someone may know their password: only words that say so count.
    const notMe = [
      "someone is signing in and it wasn't me",
      'someone is signing in as me',
      'someone else signed in',
      "it wasn't me",
      "I didn't sign in",
      "a sign in I didn't start",
      'weird sign-in on my account',
      'i got hacked',
    ];
    for (const text of notMe) {
      it(`"${text}" → notMe`, () => expect(understand(text).intent).to.equal('notMe'));
    }
    const ordinary = [
      'the code is not coming to me',
      'its not letting me sign in',
      'my phone is not with me',
      'the app is not sending me a code',
      'how do i approve the request',
      'app keeps asking me to approve',
      "I didn't get a code to sign in",
      "weird, I can't sign in",
    ];
    for (const text of ordinary) {
      it(`"${text}" is not notMe`, () => expect(understand(text).intent).to.not.equal('notMe'));
    }
  });

  it('does not read a long message as a one-word command', () => {
    expect(
      understand('I was walking to school and I thought about what help means in this lovely world').intent,
    ).to.equal('unknown');
  });

  it('reads anything the screening rule finds as sensitive, with the kinds, before any phrase', () => {
    expect(understand('my password is help')).to.deep.equal({ intent: 'sensitive', found: ['password'] });
    expect(understand('pin: 1234')).to.deep.equal({ intent: 'sensitive', found: ['code'] });
    expect(understand('help, my code is 12-34-56 and my email jo@gmail.com')).to.deep.equal({
      intent: 'sensitive',
      found: ['code', 'emailAddress'],
    });
    for (const text of ['Year 8', 'room 3L23', 'it said error 500', 'is the deadline 11.01.2027?']) {
      expect(understand(text).intent, text).to.not.equal('sensitive');
    }
  });

  it('normalises apostrophes, accents and phone shorthand', () => {
    expect(normalise('Don’t  have a FONE!!')).to.equal('dont have a phone');
    expect(normalise('Café')).to.equal('cafe');
  });

  it('keeps the letters of other scripts and folds the ones without a decomposition', () => {
    expect(normalise('Skończyłem, ŁATWE!')).to.equal('skonczylem latwe');
    // Urdu: vowel marks dropped, the Arabic yeh typed on some keyboards read as the Urdu one.
    expect(normalise('زَبان  بدليں؟')).to.equal('زبان بدلیں');
  });

  it("understands another language's phrases in a lexicon built with them, and English always", () => {
    const polish = lexiconWith({ status: ['sprawdź', 'mój status'], language: ['język'] });
    expect(understand('Sprawdź', polish)).to.deep.equal({ intent: 'status' });
    expect(understand('jezyk', polish)).to.deep.equal({ intent: 'language' });
    expect(understand('help', polish)).to.deep.equal({ intent: 'help' });
    // Without them, the same words are not understood.
    expect(understand('Sprawdź')).to.deep.equal({ intent: 'unknown' });
    expect(understand('change language')).to.deep.equal({ intent: 'language' });
  });

  describe('a "done" turned around by a negation, in any language (what it says is "not yet")', () => {
    const polish = lexiconWith({ done: ['skończyłem', 'zrobiłem', 'gotowe'] }, ['nie']);
    const urdu = lexiconWith({ done: ['مکمل', 'ہو گیا'] }, ['نہیں']);
    const cases: [string, Lexicon, string][] = [
      ['nie skończyłem', polish, 'resume'],
      ['Nie zrobiłem', polish, 'resume'],
      ['jeszcze nie skończyłem', polish, 'resume'],
      ['skończyłem? nie', polish, 'resume'],
      ['skończyłem', polish, 'done'],
      ['zrobiłem, nic nie zostało', polish, 'done'],
      // Urdu puts the negation after: "مکمل نہیں", not complete.
      ['مکمل نہیں', urdu, 'resume'],
      ['ابھی مکمل نہیں ہوا', urdu, 'resume'],
      ['ہو گیا', urdu, 'done'],
      // English keeps its own, in every language, before or right after.
      ["I'm not done", polish, 'resume'],
      ['done? not yet', urdu, 'resume'],
      ["I don't think I'm done", ENGLISH_LEXICON, 'resume'],
    ];
    for (const [text, lexicon, intent] of cases) {
      it(`"${text}" → ${intent}`, () => expect(understand(text, lexicon).intent).to.equal(intent));
    }

    it("a language's negations are its own: without them, its words read as done", () => {
      expect(understand('nie skończyłem', lexiconWith({ done: ['skończyłem'] })).intent).to.equal('done');
      expect(understand('nie skończyłem', polish).intent).to.equal('resume');
    });
  });
});
