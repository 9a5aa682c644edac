import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { expect } from 'chai';
import sinon from 'sinon';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { understand } from '../../src/domain/text/intents';
import { BASE_LOCALE, loadCatalogues } from '../../src/i18n/catalogue';
import {
  APP_PACKAGE_DIR,
  APP_PACKAGES,
  buildAppPackage,
  buildAppPackages,
  environmentFor,
  fillPlaceholders,
  iconProblems,
  type AppPackageName,
} from '../../scripts/packageApp';
import {
  defaultLanguageStrings,
  languageFileProblems,
  languageFiles,
  localizationSchemaUrl,
  type LanguageStrings,
} from '../../scripts/manifestLanguages';

const VALUES = {
  TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  TEAMS_IT_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3309',
  BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3302',
  BOT_DOMAIN: 'mfa-buddy.example.org',
  SCHOOL_NAME: 'Ken Stimpson',
  APP_NAME_SUFFIX: '',
};

/** The languages the bot speaks besides English: each names the Teams app in it too (Teams' tags, lower case). */
const LANGUAGES = loadCatalogues('Europe/London')
  .locales.filter((locale) => locale !== BASE_LOCALE)
  .map((locale) => locale.toLowerCase());

function filledManifest(which: AppPackageName = 'bot'): AppManifest & Record<string, unknown> {
  const raw = fs.readFileSync(path.join(APP_PACKAGES[which].dir, 'manifest.json'), 'utf8');
  const { text, missing } = fillPlaceholders(raw, environmentFor('test-env-that-has-no-file', VALUES));
  expect(missing).to.deep.equal([]);
  return JSON.parse(text) as AppManifest & Record<string, unknown>;
}

describe('Teams app package', () => {
  it('both manifests (the bot, the IT app) are on the newest schema the validator bundles, and valid against it (offline)', async () => {
    const schemas = path.join(
      path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
      'build',
      'json-schemas',
      'teams',
    );
    const newest = fs
      .readdirSync(schemas)
      .filter((name) => /^v\d+\.\d+$/.test(name))
      .map((name) => name.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .pop();
    for (const which of ['bot', 'it'] as const) {
      const manifest = filledManifest(which);
      expect(manifest.manifestVersion, which).to.equal(newest);
      expect(manifest.$schema, which).to.equal(
        `https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`,
      );
      expect(await AppManifestUtils.validateAgainstSchema(manifest), which).to.deep.equal([]);
    }
  });

  it('the validator does catch a broken manifest', async () => {
    const manifest = filledManifest() as unknown as { bots: { scopes: string[] }[]; name: { short: string } };
    manifest.bots[0]!.scopes = ['everywhere'];
    manifest.name.short = 'x'.repeat(40);
    const errors = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest);
    expect(errors.join('\n')).to.match(/scopes/);
    expect(errors.join('\n')).to.match(/name\/short/);
  });

  it('keeps Teams Toolkit placeholders for ids and is a personal-scope bot (team only for the IT channel copy)', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8')) as {
      id: string;
      bots: {
        botId: string;
        scopes: string[];
        commandLists: { scopes: string[]; commands: { title: string }[] }[];
      }[];
    };
    expect(raw.id).to.equal('${{TEAMS_APP_ID}}');
    expect(raw.bots[0]!.botId).to.equal('${{BOT_ID}}');
    // The guide is 1:1; the team scope lets IT add the bot to their team for escalation copies (it is silent there).
    expect(raw.bots[0]!.scopes).to.deep.equal(['personal', 'team']);
    expect(raw.bots[0]!.commandLists.map((c) => c.scopes)).to.deep.equal([['personal']]);
    // Every command in the Teams command menu is something the bot understands.
    for (const { title } of raw.bots[0]!.commandLists[0]!.commands) {
      expect(understand(title).intent, title).to.not.equal('unknown');
    }
  });

  it('has a 192×192 colour icon and a 32×32 white-on-transparent outline icon; the IT app has the same ones', () => {
    expect(iconProblems()).to.deep.equal([]);
    for (const icon of ['color.png', 'outline.png']) {
      expect(
        fs
          .readFileSync(path.join(APP_PACKAGES.it.dir, icon))
          .equals(fs.readFileSync(path.join(APP_PACKAGE_DIR, icon))),
        icon,
      ).to.equal(true);
    }
  });

  it('npm run package builds two zips, the bot app and the IT app, each with its filled manifest and both icons', async () => {
    const written = await buildAppPackages('test-env-that-has-no-file', VALUES);
    try {
      expect(written.map((out) => path.relative(APP_PACKAGE_DIR, out))).to.deep.equal([
        path.join('build', 'appPackage.test-env-that-has-no-file.zip'),
        path.join('build', 'appPackage-it.test-env-that-has-no-file.zip'),
      ]);
      const [bot, it] = written.map((out) => new AdmZip(out));
      const entries = (zip: AdmZip) =>
        zip
          .getEntries()
          .map((e) => e.entryName)
          .sort();
      // The bot's app carries its name, description and commands in the pupils' languages; the IT app is English.
      expect(entries(bot!)).to.deep.equal(
        ['color.png', 'manifest.json', 'outline.png', ...LANGUAGES.map((tag) => `${tag}.json`)].sort(),
      );
      expect(entries(bot!)).to.include.members(['pl.json', 'ur.json']);
      expect(entries(it!)).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
      const manifest = JSON.parse(bot!.readAsText('manifest.json')) as {
        id: string;
        bots: { botId: string }[];
        webApplicationInfo: { id: string };
      };
      expect(manifest.id).to.equal(VALUES.TEAMS_APP_ID);
      expect(manifest.bots[0]!.botId).to.equal(VALUES.BOT_ID);
      // Without a separate Graph app, the bot's own app is the one allowed to install this Teams app.
      expect(manifest.webApplicationInfo.id).to.equal(VALUES.BOT_ID);
      const itManifest = JSON.parse(it!.readAsText('manifest.json')) as Record<string, unknown> & {
        id: string;
        name: { short: string };
      };
      expect(itManifest.id).to.equal(VALUES.TEAMS_IT_APP_ID);
      expect(itManifest.name.short).to.equal('MFA Buddy IT');
      expect(itManifest).to.not.have.property('bots');
    } finally {
      for (const out of written) fs.rmSync(out, { force: true });
    }
  });

  it('names the Graph app in webApplicationInfo, so that it may install this app for users', async () => {
    const graphClientId = '3f2504e0-4f89-41d3-9a0c-0305e82c3303';
    const out = await buildAppPackage('test-env-that-has-no-file', {
      ...VALUES,
      GRAPH_CLIENT_ID: graphClientId,
    });
    try {
      const manifest = JSON.parse(new AdmZip(out).readAsText('manifest.json')) as {
        webApplicationInfo: { id: string };
      };
      expect(manifest.webApplicationInfo.id).to.equal(graphClientId);
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it('refuses to package with ids missing, naming them', async () => {
    let message = '';
    try {
      await buildAppPackage('test-env-that-has-no-file', { SCHOOL_NAME: 'X' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/no value for TEAMS_APP_ID, BOT_DOMAIN, BOT_ID/);
  });

  it("refuses to package the IT app without its own id, naming it and the IT app's manifest", async () => {
    let message = '';
    try {
      await buildAppPackages('test-env-that-has-no-file', { ...VALUES, TEAMS_IT_APP_ID: '' });
    } catch (error) {
      message = (error as Error).message;
    } finally {
      // The bot's zip comes first and is written.
      fs.rmSync(path.join(APP_PACKAGE_DIR, 'build', APP_PACKAGES.bot.zipName('test-env-that-has-no-file')), {
        force: true,
      });
    }
    expect(message).to.match(/appPackage\/it\/manifest\.json\) is not valid/);
    expect(message).to.match(/no value for TEAMS_IT_APP_ID \(/);
  });
});

describe("Teams app package: the app's name, description and commands in the pupils' languages", () => {
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  /** The bot's zip built with the longest name suffix an environment sets ("-local"); its language files by tag. */
  async function builtLanguages(): Promise<{ manifest: AppManifest; files: Map<string, LanguageStrings> }> {
    const out = await buildAppPackage('test-env-that-has-no-file', { ...VALUES, APP_NAME_SUFFIX: '-local' });
    try {
      const zip = new AdmZip(out);
      const manifest = JSON.parse(zip.readAsText('manifest.json')) as AppManifest;
      const files = new Map<string, LanguageStrings>();
      for (const { languageTag, file } of languageFiles(manifest)) {
        const entry = zip.getEntry(file);
        expect(entry, `${file} in the zip`).to.not.equal(null);
        files.set(languageTag, JSON.parse(entry!.getData().toString('utf8')) as LanguageStrings);
      }
      return { manifest, files };
    } finally {
      fs.rmSync(out, { force: true });
    }
  }

  it('the bot app is in British English, with every other language the bot speaks; the IT app (for IT staff) stays English only', () => {
    const manifest = filledManifest() as unknown as { localizationInfo: unknown };
    expect(LANGUAGES).to.include.members(['cy', 'lt', 'pl', 'pt', 'ro', 'uk', 'ur']);
    expect(manifest.localizationInfo).to.deep.equal({
      defaultLanguageTag: 'en-gb',
      additionalLanguages: LANGUAGES.map((tag) => ({ languageTag: tag, file: `${tag}.json` })),
    });
    expect(LANGUAGES).to.include.members(['lt', 'pl', 'uk', 'ur']);
    expect(filledManifest('it')).to.not.have.property('localizationInfo');
  });

  it('npm run package puts each language file in the zip where the manifest names it, filled, and valid offline against the localization schema of the manifest version', async () => {
    const { manifest, files } = await builtLanguages();
    expect([...files.keys()]).to.have.members(LANGUAGES);
    for (const [tag, strings] of files) {
      expect(strings.$schema, tag).to.equal(localizationSchemaUrl('1.30'));
      expect(strings['name.short'], tag).to.match(/-local$/);
      expect(JSON.stringify(strings), tag).to.not.include('${{');
      expect(languageFileProblems(manifest, `${tag}.json`, strings), tag).to.deep.equal([]);
    }
  });

  it('every string of the English manifest is translated in each language, none left in English, within the lengths Teams allows', async () => {
    const { manifest, files } = await builtLanguages();
    const english = defaultLanguageStrings(manifest);
    expect(Object.keys(english)).to.include.members(['name.short', 'name.full', 'description.short']);
    expect(Object.keys(english).filter((key) => key.startsWith('bots[0]'))).to.have.length(10);
    for (const [tag, strings] of files) {
      const translated = Object.fromEntries(Object.entries(strings).filter(([key]) => key !== '$schema'));
      expect(Object.keys(translated).sort(), tag).to.deep.equal(Object.keys(english).sort());
      for (const [key, text] of Object.entries(translated)) {
        expect(text.trim(), `${tag} ${key}`).to.not.equal('');
        expect(text.toLowerCase(), `${tag} ${key}`).to.not.equal(english[key]!.toLowerCase());
      }
      // The schema's limits, with the "-local" suffix.
      expect(strings['name.short']!.length, `${tag} name.short`).to.be.at.most(30);
      expect(strings['name.full']!.length, `${tag} name.full`).to.be.at.most(100);
      expect(strings['description.short']!.length, `${tag} description.short`).to.be.at.most(80);
    }
  });

  it('a command picked from the menu in any of those languages (Teams sends its title as the message) is understood as the same command', async () => {
    const { manifest, files } = await builtLanguages();
    const english = defaultLanguageStrings(manifest);
    const catalogues = loadCatalogues('Europe/London');
    for (const [tag, strings] of files) {
      const lexicon = catalogues.translatorFor(tag).lexicon;
      expect(catalogues.translatorFor(tag).locale, tag).to.equal(tag);
      for (const key of Object.keys(english).filter((k) => k.endsWith('.title'))) {
        const intent = understand(english[key]!).intent;
        expect(intent, key).to.not.equal('unknown');
        expect(understand(strings[key]!, lexicon).intent, `${tag} ${key}: ${strings[key]}`).to.equal(intent);
      }
    }
  });

  it('the checks name each problem of a language file: its schema, a name too long, a string the manifest lacks', () => {
    const manifest = filledManifest();
    const good = JSON.parse(
      fs.readFileSync(path.join(APP_PACKAGE_DIR, 'pl.json'), 'utf8'),
    ) as LanguageStrings;
    const problems = (change: LanguageStrings, remove: string[] = []) => {
      const strings = { ...good, ...change };
      for (const key of remove) delete strings[key];
      return languageFileProblems(manifest, 'pl.json', strings).join('\n');
    };
    expect(problems({})).to.equal('');
    expect(problems({ $schema: localizationSchemaUrl('1.29') })).to.match(
      /pl\.json: \$schema must be .*v1\.30/,
    );
    expect(problems({}, ['description.full'])).to.match(/pl\.json: .*description\.full/);
    expect(problems({ 'name.short': 'x'.repeat(31) })).to.match(
      /pl\.json: \/name\.short must NOT have more than 30 characters/,
    );
    expect(problems({ 'bots[0].commandLists[0].commands[7].title': 'x' })).to.match(
      /pl\.json: the manifest has no bots\[0\]\.commandLists\[0\]\.commands\[7\]\.title/,
    );
  });

  it('npm run package refuses a broken language file, naming it and the problem', async () => {
    const plPath = path.join(APP_PACKAGE_DIR, 'pl.json');
    const readFileSync = fs.readFileSync.bind(fs);
    sandbox.stub(fs, 'readFileSync').callsFake(((file: fs.PathOrFileDescriptor, options?: unknown) => {
      const text = readFileSync(file, options as BufferEncoding) as string | Buffer;
      if (file !== plPath) return text;
      return String(text).replace('"Kumpel MFA${{APP_NAME_SUFFIX}}"', `"${'K'.repeat(31)}"`);
    }) as typeof fs.readFileSync);
    let message = '';
    try {
      const out = await buildAppPackage('test-env-that-has-no-file', VALUES);
      fs.rmSync(out, { force: true });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/appPackage\/manifest\.json\) is not valid/);
    expect(message).to.match(/pl\.json: \/name\.short must NOT have more than 30 characters/);
  });
});
