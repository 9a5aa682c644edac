/**
 * The catalogues a school can correct: every language has every English message and no other, uses the same
 * variables in each, is not left in English, and parses; a broken file stops the start naming the file and key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { IntlMessageFormat } from 'intl-messageformat';
import {
  BASE_LOCALE,
  CatalogueError,
  LOCALES_DIR,
  loadCatalogues,
  type Catalogue,
} from '../../src/i18n/catalogue';
import { localeFor } from '../../src/i18n/localeFor';
import { understand, type Intent } from '../../src/domain/text/intents';
import { isKnownVerb } from '../../src/features/verbs';
import { STEP_TITLES } from '../../src/features/guide/guideWords';
import { NEVER_ASK } from '../../src/features/shared/removedWords';
import { ROOT } from '../support/botProcess';

const ZONE = 'Europe/London';

/**
 * Messages that may read the same as English in every language: names Microsoft does not translate. Only what
 * is here, as a whole message; anything longer must be in the language.
 */
const SAME_AS_ENGLISH: readonly string[] = ['guide.link.appStore', 'guide.link.googlePlay'];

/** The parser's element types (its TYPE enum, which intl-messageformat does not export) that are not variables. */
const LITERAL = 0;
const TAG = 8;

/** The variables a parsed message uses (arguments, plurals' and selects' own, inside their options too). */
function variablesOf(
  elements: ReturnType<IntlMessageFormat['getAst']>,
  into = new Set<string>(),
): Set<string> {
  for (const element of elements) {
    const type = Number(element.type);
    if ('value' in element && typeof element.value === 'string' && type !== LITERAL && type !== TAG)
      into.add(element.value);
    if ('options' in element) {
      for (const option of Object.values(element.options)) variablesOf(option.value, into);
    }
    if ('children' in element) variablesOf(element.children, into);
  }
  return into;
}

function variables(message: string, locale: string): string[] {
  return [
    ...variablesOf(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst()),
  ].sort();
}

/** A locales folder of its own for a test, with en-GB as shipped plus `files`. */
function localesWith(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-buddy-locales-'));
  fs.copyFileSync(path.join(LOCALES_DIR, `${BASE_LOCALE}.json`), path.join(dir, `${BASE_LOCALE}.json`));
  for (const [name, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('The string catalogues (locales/)', () => {
  const catalogues = loadCatalogues(ZONE);
  const english = catalogues.catalogue(BASE_LOCALE)!;
  const others: Catalogue[] = catalogues.locales
    .filter((l) => l !== BASE_LOCALE)
    .map((l) => catalogues.catalogue(l)!);

  it('has English (UK) first, then every other language by its tag, each named in its own words', () => {
    const languages = catalogues.languages();
    expect(languages[0]).to.deep.equal({ locale: 'en-GB', name: 'English' });
    expect(languages.slice(1).map((l) => l.locale)).to.deep.equal(others.map((c) => c.locale).sort());
    expect(languages).to.deep.include.members([
      { locale: 'lt', name: 'Lietuvių' },
      { locale: 'pl', name: 'Polski' },
      { locale: 'uk', name: 'Українська' },
      { locale: 'ur', name: 'اردو' },
      { locale: 'ro', name: 'Română' },
      { locale: 'pt', name: 'Português' },
      { locale: 'cy', name: 'Cymraeg' },
    ]);
    expect(catalogues.catalogue('ur')?.direction).to.equal('rtl');
  });

  it('every language has every English message and no other', () => {
    for (const catalogue of others) {
      const keys = [...catalogue.messages.keys()];
      const missing = [...english.messages.keys()].filter((k) => !catalogue.messages.has(k));
      const extra = keys.filter((k) => !english.messages.has(k));
      expect({ locale: catalogue.locale, missing, extra }).to.deep.equal({
        locale: catalogue.locale,
        missing: [],
        extra: [],
      });
    }
  });

  it('every message uses the variables its English one uses, and no others', () => {
    const problems = others.flatMap((catalogue) =>
      [...english.messages].flatMap(([key, message]) => {
        const theirs = catalogue.messages.get(key);
        if (theirs === undefined) return [];
        const want = variables(message, BASE_LOCALE).join(', ');
        const got = variables(theirs, catalogue.locale).join(', ');
        return want === got ? [] : [`${catalogue.locale} ${key}: uses {${got}}, English {${want}}`];
      }),
    );
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('no message is left in English, except names Microsoft does not translate', () => {
    const problems = others.flatMap((catalogue) =>
      [...catalogue.messages]
        .filter(([key, message]) => message === english.messages.get(key))
        .filter(([key]) => !SAME_AS_ENGLISH.includes(key))
        .map(([key, message]) => `${catalogue.locale} ${key}: "${message}"`),
    );
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('every message parses and formats with its English variables', () => {
    const sample: Record<string, string | number> = {
      name: 'X',
      until: 'D',
      date: 'D',
      days: 3,
      count: 5,
      ago: 'A',
      url: 'U',
      schoolAddress: 'S',
      phone: 'yes',
      kind: 'done',
      first: 'F',
      last: 'L',
      from: '08:30',
      to: '16:00',
      newPhone: 'yes',
      school: 'S',
      deadline: 'D',
      step: 'S',
      room: 'R',
      hours: 'H',
      mailbox: 'M',
      minutes: 30,
      when: 'notYet',
      second: 'yes',
      kinds: 'K',
      problem: 'P',
      max: 500,
      reference: 'MFA-7K2Q',
      references: 'MFA-7K2Q, MFA-XW3P',
      day: 'D',
      part: 'morning',
      code: '123 456',
      seconds: 17,
      example: 'E',
      upn: 'U',
      known: 'yes',
      heading: 'H',
      time: '14:05',
      named: 'yes',
    };
    for (const locale of catalogues.locales) {
      const t = catalogues.translatorFor(locale);
      for (const key of english.messages.keys()) {
        expect(t(key, sample), `${locale} ${key}`).to.be.a('string').and.not.equal('');
      }
    }
  });

  it('knows every key the features moved onto the catalogue ask for', () => {
    const dirs = ['status', 'language', 'shared', 'guide', 'help', 'supportCodes', 'campaign'].map((d) =>
      path.join(ROOT, 'src', 'features', d),
    );
    const asked = dirs
      .flatMap((dir) => fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')))
      .concat(fs.readFileSync(path.join(ROOT, 'src', 'container.ts'), 'utf8'))
      .flatMap((source) => [
        ...source.matchAll(
          /'((?:status|buttons|language|guide|shared|help|supportCodes|tap|turnFailed|campaign)\.[A-Za-z]+(?:\.[A-Za-z]+)*)'/g,
        ),
      ])
      .map((m) => m[1]!)
      // Verbs share the look of a key ('status.fix', 'language.choose').
      .filter((key) => !isKnownVerb(key));
    expect(asked.length).to.be.greaterThan(330);
    expect(asked.filter((key) => !english.messages.has(key))).to.deep.equal([]);
  });

  it("quotes Microsoft's labels as each language's glossary gives them, and the glossary holds only labels in use", () => {
    // A label quoted in the English of the guide, the help answers or the desk's pass (**Security info**) is
    // quoted in the language as its glossary says. (The status card's bold method names, "**Email**: set up", are
    // the bot's words, not Microsoft's labels.)
    const quoted = (message: string, label: string) => message.includes(`**${label}**`);
    const quoting = ['guide.', 'help.', 'supportCodes.', 'tap.'];
    const guide = [...english.messages].filter(([key]) => quoting.some((prefix) => key.startsWith(prefix)));
    const problems = others.flatMap((catalogue) => {
      const glossary = Object.entries(catalogue.glossary);
      return [
        ...guide.flatMap(([key, message]) =>
          glossary
            .filter(([label]) => quoted(message, label))
            .filter(([, theirs]) => !quoted(catalogue.messages.get(key) ?? '', theirs))
            .map(([label, theirs]) => `${catalogue.locale} ${key}: quotes **${label}** not as **${theirs}**`),
        ),
        ...glossary
          .filter(([label]) => !guide.some(([, message]) => quoted(message, label)))
          .map(([label]) => `${catalogue.locale} glossary: **${label}** is quoted by no message`),
      ];
    });
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(others.map((c) => c.locale)).to.include.members(['cy', 'lt', 'pl', 'pt', 'ro', 'uk', 'ur']);
    for (const catalogue of others) expect(Object.keys(catalogue.glossary)).to.include('Security info');
    expect(catalogues.catalogue('pl')!.glossary['Security info']).to.equal('Informacje zabezpieczające');
    expect(catalogues.catalogue('ro')!.glossary['Security info']).to.equal('Informații de securitate');
    expect(catalogues.catalogue('pt')!.glossary['Security info']).to.equal('Informações de segurança');
  });

  it('keeps English words the staff side still reads from code the same as the English catalogue', () => {
    const en = catalogues.translatorFor(BASE_LOCALE);
    for (const [step, title] of Object.entries(STEP_TITLES))
      expect(en(`guide.title.${step}`)).to.equal(title);
    expect(en('shared.neverAsk')).to.equal(NEVER_ASK);
  });

  it('writes dates and plurals the way each language does, English as it always has', () => {
    const en = catalogues.translatorFor('en-GB');
    const pl = catalogues.translatorFor('pl');
    const ur = catalogues.translatorFor('ur');
    expect(en.longDate('2027-01-11')).to.equal('Monday 11 January 2027');
    expect(pl.longDate('2027-01-11')).to.equal('poniedziałek, 11 stycznia 2027');
    expect(pl.shortDate('2027-02-01')).to.equal('1 lutego 2027');
    expect(ur.shortDate('2027-02-01')).to.equal('1 فروری، 2027');
    expect([2, 5, 22].map((count) => pl('status.ago.minutes', { count }))).to.deep.equal([
      '2 minuty temu',
      '5 minut temu',
      '22 minuty temu',
    ]);
    expect(en('status.deadline.ahead', { date: 'D', days: 1 })).to.equal('D (tomorrow)');
    // Romanian counts one, few (2 to 19, and 101 to 119…) and other ("20 de minute").
    const ro = catalogues.translatorFor('ro');
    expect(ro.longDate('2027-01-11')).to.equal('luni, 11 ianuarie 2027');
    expect([1, 2, 19, 20, 101, 120].map((count) => ro('status.ago.minutes', { count }))).to.deep.equal([
      'acum 1 minut',
      'acum 2 minute',
      'acum 19 minute',
      'acum 20 de minute',
      'acum 101 minute',
      'acum 120 de minute',
    ]);
    const pt = catalogues.translatorFor('pt');
    expect(pt.longDate('2027-01-11')).to.equal('segunda-feira, 11 de janeiro de 2027');
    expect([1, 2].map((count) => pt('status.ago.minutes', { count }))).to.deep.equal([
      'há 1 minuto',
      'há 2 minutos',
    ]);
    // Lithuanian and Ukrainian each have their own few/many: 1 and 21 alike, 11 not.
    const lt = catalogues.translatorFor('lt');
    const uk = catalogues.translatorFor('uk');
    expect(lt.longDate('2027-01-11')).to.equal('2027 m. sausio 11 d., pirmadienis');
    expect(uk.longDate('2027-01-11')).to.equal('понеділок, 11 січня 2027 р.');
    expect([1, 2, 5, 11, 21, 22].map((count) => lt('status.ago.minutes', { count }))).to.deep.equal([
      'prieš 1 minutę',
      'prieš 2 minutes',
      'prieš 5 minutes',
      'prieš 11 minučių',
      'prieš 21 minutę',
      'prieš 22 minutes',
    ]);
    expect([1, 2, 5, 11, 21, 22].map((count) => uk('status.ago.minutes', { count }))).to.deep.equal([
      '1 хвилину тому',
      '2 хвилини тому',
      '5 хвилин тому',
      '11 хвилин тому',
      '21 хвилину тому',
      '22 хвилини тому',
    ]);
    // A moment is written as the school's clock shows it: 23:30 UTC on 1 July is 00:30 on 2 July in London.
    expect(pl.dateTime(new Date('2026-07-01T23:30:00Z'))).to.match(/2 lipca 2026.*00:30/);
  });

  it("takes a user's language from Teams: the language in any region, else English", () => {
    const available = catalogues.locales;
    expect(localeFor('pl-PL', available)).to.equal('pl');
    expect(localeFor('ur-PK', available)).to.equal('ur');
    expect(localeFor('cy-GB', available)).to.equal('cy');
    expect(localeFor('ro-RO', available)).to.equal('ro');
    // Portugal's Portuguese serves Brazil's too.
    expect(localeFor('pt-PT', available)).to.equal('pt');
    expect(localeFor('pt-BR', available)).to.equal('pt');
    expect(localeFor('lt-LT', available)).to.equal('lt');
    expect(localeFor('uk-UA', available)).to.equal('uk');
    expect(localeFor('en-US', available)).to.equal('en-GB');
    expect(localeFor('EN-gb', available)).to.equal('en-GB');
    expect(localeFor('fr-FR', available)).to.equal(undefined);
    expect(catalogues.localeOf(undefined, 'fr-FR')).to.equal('en-GB');
    expect(catalogues.localeOf(undefined, undefined)).to.equal('en-GB');
    // A remembered choice wins; one there is no catalogue for does not.
    expect(catalogues.localeOf('ur', 'pl-PL')).to.equal('ur');
    expect(catalogues.localeOf('cy', 'pl-PL')).to.equal('cy');
    expect(catalogues.localeOf('fr', 'pl-PL')).to.equal('pl');
  });

  it('writes Welsh dates, and counts with the noun Welsh puts after each number (its six plural forms)', () => {
    const cy = catalogues.translatorFor('cy');
    expect(cy.longDate('2027-01-11')).to.equal('Dydd Llun, 11 Ionawr 2027');
    expect(cy.shortDate('2027-02-01')).to.equal('1 Chwefror 2027');
    // zero, one, two, few, many, other: after 2 the noun softens ("2 funud"), after the others it does not.
    expect([0, 1, 2, 3, 6, 11].map((count) => cy('status.ago.minutes', { count }))).to.deep.equal([
      '0 munud yn ôl',
      '1 munud yn ôl',
      '2 funud yn ôl',
      '3 munud yn ôl',
      '6 munud yn ôl',
      '11 munud yn ôl',
    ]);
    expect([0, 1, 2, 42].map((days) => cy('status.deadline.ahead', { date: 'D', days }))).to.deep.equal([
      'D (heddiw)',
      'D (yfory)',
      'D (2 ddiwrnod i fynd)',
      'D (42 diwrnod i fynd)',
    ]);
  });

  it('understands Welsh typed words: the menu, "not" before a "done", and its support code', () => {
    const said = (text: string) => understand(text, catalogues.translatorFor('cy').lexicon).intent;
    for (const text of ['Heb orffen eto', 'dw i byth wedi gwneud'])
      expect(said(text), text).to.equal('resume');
    // "Dim" (no, none) is no "not": "no problem, I've finished" is done.
    for (const text of ['wedi gwneud', 'dim problem, wedi gorffen'])
      expect(said(text), text).to.equal('done');
    expect(
      ['dechrau', 'dechrau eto', 'helpa fi', 'beth yw hwn?', 'collais i fy ffôn', 'fy nghod cymorth'].map(
        said,
      ),
    ).to.deep.equal(['start', 'restart', 'help', 'whatIsThis', 'lostPhone', 'supportCode']);
  });

  it('understands Polish and Urdu typed words, and a "done" their negation turns around as not done', () => {
    const said = (locale: string, text: string) =>
      understand(text, catalogues.translatorFor(locale).lexicon).intent;
    for (const text of ['nie zrobiłem', 'nie skończyłem', 'Jeszcze nie skończyłam', 'nie jestem gotowa'])
      expect(said('pl', text), text).to.equal('resume');
    for (const text of ['zrobiłem', 'skończyłam', 'gotowe']) expect(said('pl', text), text).to.equal('done');
    for (const text of ['مکمل نہیں', 'ابھی مکمل نہیں ہوا', 'مکمل نھیں'])
      expect(said('ur', text), text).to.equal('resume');
    for (const text of ['ہو گیا', 'میں نے کر لیا']) expect(said('ur', text), text).to.equal('done');
    // The manifest's commands, and what pupils type besides.
    expect(['zacznij', 'pomoc', 'co to jest?', 'zgubiłem telefon'].map((t) => said('pl', t))).to.deep.equal([
      'start',
      'help',
      'whatIsThis',
      'lostPhone',
    ]);
    expect(['شروع کریں', 'مدد', 'یہ کیا ہے؟', 'میرا فون گم ہو گیا'].map((t) => said('ur', t))).to.deep.equal([
      'start',
      'help',
      'whatIsThis',
      'lostPhone',
    ]);
    // "Start again" in each language is not "start".
    expect(said('pl', 'zacznij od nowa')).to.equal('restart');
    expect(said('ur', 'دوبارہ شروع کریں')).to.equal('restart');
  });

  it('understands Ukrainian typed words, a "done" that "не" turns around, and counts the nudges\' days and hours as Ukrainian does', () => {
    const said = (text: string) => understand(text, catalogues.translatorFor('uk').lexicon).intent;
    for (const text of ['я не зробив', 'Ще не готово', 'я ще не закінчила'])
      expect(said(text), text).to.equal('resume');
    for (const text of ['готово', 'я зробила']) expect(said(text), text).to.equal('done');
    expect(['почати', 'почати знову', 'допомога', 'що це?', 'загубив телефон'].map(said)).to.deep.equal([
      'start',
      'restart',
      'help',
      'whatIsThis',
      'lostPhone',
    ]);
    const uk = catalogues.translatorFor('uk');
    expect(
      [1, 2, 5, 11, 21].map((days) => uk('campaign.nudge.heading.reminder', { named: 'no', days })),
    ).to.deep.equal([
      'Нагадування: залишився 1 день',
      'Нагадування: залишилося 2 дні',
      'Нагадування: залишилося 5 днів',
      'Нагадування: залишилося 11 днів',
      'Нагадування: залишився 21 день',
    ]);
    expect([1, 3, 12].map((count) => uk('campaign.button.snoozeHours', { count }))).to.deep.equal([
      'Нагадай через 1 годину',
      'Нагадай через 3 години',
      'Нагадай через 12 годин',
    ]);
  });

  it('gives every language its own words for what pupils type most, and for "not"', () => {
    // The menu's commands (Teams sends a command's title as the message) and the hard paths, in each language.
    const needed: Intent[] = [
      ...['status', 'done', 'start', 'restart', 'help', 'newPhone', 'lostPhone', 'noSmartphone'],
      ...['whatIsThis', 'language'],
    ] as Intent[];
    for (const catalogue of others) {
      const missing = needed.filter((intent) => !(catalogue.phrases[intent]?.length ?? 0));
      expect(missing, catalogue.locale).to.deep.equal([]);
      expect(catalogue.negations, `${catalogue.locale}: its words for "not"`).to.not.deep.equal([]);
    }
  });

  it('understands what pupils type in Welsh, Lithuanian, Portuguese, Romanian and Ukrainian, "not done" included', () => {
    const said = (locale: string, text: string) =>
      understand(text, catalogues.translatorFor(locale).lexicon).intent;
    const cases: [string, string, string][] = [
      ['ro', 'ajutor', 'help'],
      ['ro', 'mi-am pierdut telefonul', 'lostPhone'],
      ['ro', 'nu am smartphone', 'noSmartphone'],
      ['ro', 'ce este asta?', 'whatIsThis'],
      ['ro', 'am terminat', 'done'],
      ['ro', 'nu am terminat', 'resume'],
      ['pt', 'preciso de ajuda', 'help'],
      ['pt', 'perdi o telemóvel', 'lostPhone'],
      ['pt', 'não tenho smartphone', 'noSmartphone'],
      ['pt', 'começar de novo', 'restart'],
      ['pt', 'acabei', 'done'],
      ['pt', 'ainda não acabei', 'resume'],
      ['lt', 'pagalba', 'help'],
      ['lt', 'pradėti iš naujo', 'restart'],
      ['lt', 'neturiu telefono', 'noSmartphone'],
      ['lt', 'baigiau', 'done'],
      ['lt', 'dar ne baigiau', 'resume'],
      // "Not" written onto the verb is no word the bot knows: not understood, and above all not "done".
      ['lt', 'nebaigiau', 'unknown'],
      ['uk', 'допомога', 'help'],
      ['uk', 'що це?', 'whatIsThis'],
      ['uk', 'немає смартфона', 'noSmartphone'],
      ['uk', 'зробив', 'done'],
      ['uk', 'ще не зробив', 'resume'],
      ['cy', 'cymorth', 'help'],
      ['cy', 'wedi colli fy ffôn', 'lostPhone'],
      ['cy', 'dim ffôn clyfar', 'noSmartphone'],
      ['cy', 'dw i wedi gorffen', 'done'],
      ['cy', 'dw i ddim wedi gorffen', 'resume'],
    ];
    expect(cases.map(([locale, text]) => [locale, text, said(locale, text)])).to.deep.equal(cases);
  });

  describe('a file a school edited', () => {
    let dir: string;
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('falls back on English for a message its language lacks', () => {
      dir = localesWith({
        'pl.json': {
          language: { name: 'Polski', direction: 'ltr' },
          messages: { status: { fact: { deadline: 'Termin' } } },
        },
      });
      const t = loadCatalogues(ZONE, dir).translatorFor('pl');
      expect(t('status.fact.deadline')).to.equal('Termin');
      expect(t('status.fact.mfa')).to.equal('Sign-in check (MFA)');
    });

    it('takes the words for "not" from `phrases.not`, and refuses a phrase list for no intent', () => {
      const polish = {
        language: { name: 'Polski', direction: 'ltr' },
        messages: {},
        phrases: { done: ['skończyłem'], not: ['nie'] },
      };
      dir = localesWith({ 'pl.json': polish });
      const lexicon = loadCatalogues(ZONE, dir).translatorFor('pl').lexicon;
      expect(understand('nie skończyłem', lexicon).intent).to.equal('resume');
      fs.writeFileSync(
        path.join(dir, 'pl.json'),
        JSON.stringify({ ...polish, phrases: { done: ['skończyłem'], nope: ['nie'] } }),
      );
      expect(() => loadCatalogues(ZONE, dir)).to.throw(CatalogueError, /locales\/pl\.json: phrases/);
    });

    it('stops the start on a message that does not parse, naming the file and the key', () => {
      dir = localesWith({
        'pl.json': {
          language: { name: 'Polski', direction: 'ltr' },
          messages: { status: { ago: { minutes: '{count, plural, one {# minutę temu}' } } },
        },
      });
      expect(() => loadCatalogues(ZONE, dir))
        .to.throw(CatalogueError)
        .with.property('message')
        .that.matches(/locales\/pl\.json: message status\.ago\.minutes does not parse/);
    });

    it('stops the start on a file that is not JSON, or not a catalogue', () => {
      dir = localesWith({ 'ur.json': '{ "language": ' });
      expect(() => loadCatalogues(ZONE, dir)).to.throw(CatalogueError, /locales\/ur\.json: not valid JSON/);
      fs.writeFileSync(
        path.join(dir, 'ur.json'),
        JSON.stringify({ language: { name: 'اردو', direction: 'up' }, messages: {} }),
      );
      expect(() => loadCatalogues(ZONE, dir)).to.throw(
        CatalogueError,
        /locales\/ur\.json: language\.direction/,
      );
    });
  });
});
