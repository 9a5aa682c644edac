import fs from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { expect } from 'chai';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { understand } from '../../src/domain/text/intents';
import {
  APP_PACKAGE_DIR,
  buildAppPackage,
  environmentFor,
  fillPlaceholders,
  iconProblems,
} from '../../scripts/packageApp';

const VALUES = {
  TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3302',
  BOT_DOMAIN: 'mfa-buddy.example.org',
  SCHOOL_NAME: 'Ken Stimpson',
  APP_NAME_SUFFIX: '',
};

function filledManifest(): AppManifest & Record<string, unknown> {
  const raw = fs.readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
  const { text, missing } = fillPlaceholders(raw, environmentFor('test-env-that-has-no-file', VALUES));
  expect(missing).to.deep.equal([]);
  return JSON.parse(text) as AppManifest & Record<string, unknown>;
}

describe('Teams app package', () => {
  it('the manifest is on the newest schema the validator bundles, and valid against it (offline)', async () => {
    const manifest = filledManifest();
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
    expect(manifest.manifestVersion).to.equal(newest);
    expect(manifest.$schema).to.equal(
      `https://developer.microsoft.com/en-us/json-schemas/teams/v${newest}/MicrosoftTeams.schema.json`,
    );
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).to.deep.equal([]);
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

  it('has a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    expect(iconProblems()).to.deep.equal([]);
  });

  it('npm run package builds a zip with the filled manifest and both icons', async () => {
    const out = await buildAppPackage('test-env-that-has-no-file', VALUES);
    try {
      const zip = new AdmZip(out);
      expect(
        zip
          .getEntries()
          .map((e) => e.entryName)
          .sort(),
      ).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
      const manifest = JSON.parse(zip.readAsText('manifest.json')) as {
        bots: { botId: string }[];
        webApplicationInfo: { id: string };
      };
      expect(manifest.bots[0]!.botId).to.equal(VALUES.BOT_ID);
      // Without a separate Graph app, the bot's own app is the one allowed to install this Teams app.
      expect(manifest.webApplicationInfo.id).to.equal(VALUES.BOT_ID);
    } finally {
      fs.rmSync(out, { force: true });
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
});
