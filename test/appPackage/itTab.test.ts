import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  APP_PACKAGES,
  environmentFor,
  fillPlaceholders,
  type AppPackageName,
} from '../../scripts/packageApp';
import { loadConfig } from '../../src/config/env';
import { PROGRESS_TAB_ENTITY_ID, PROGRESS_TAB_PATH } from '../../src/features/itView/progressTab';

const VALUES = {
  TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  TEAMS_IT_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3309',
  BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3302',
  BOT_DOMAIN: 'mfa-buddy.example.org',
  SCHOOL_NAME: 'Ken Stimpson',
  APP_NAME_SUFFIX: '',
};

interface TabManifest {
  id: string;
  name: { short: string };
  developer: unknown;
  icons: unknown;
  bots?: unknown[];
  composeExtensions?: unknown[];
  staticTabs: { entityId: string; name?: string; contentUrl?: string; scopes: string[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
}

function filled(which: AppPackageName): { text: string; manifest: TabManifest } {
  const raw = fs.readFileSync(path.join(APP_PACKAGES[which].dir, 'manifest.json'), 'utf8');
  const { text } = fillPlaceholders(raw, environmentFor('test-env-that-has-no-file', VALUES));
  return { text, manifest: JSON.parse(text) as TabManifest };
}

describe("Teams app packages: IT's tab in its own app", () => {
  const pupils = filled('bot');
  const itApp = filled('it');

  it("the pupils' app (the bot) has the chat only: no IT tab, nothing pointing at the tab's page", () => {
    expect(pupils.manifest.staticTabs.map((t) => t.entityId)).to.deep.equal(['conversations']);
    expect(pupils.text).to.not.include(PROGRESS_TAB_PATH);
    expect(pupils.text).to.not.include(PROGRESS_TAB_ENTITY_ID);
  });

  it('the IT app is the IT progress tab alone, with its own id and no bot (a bot id may be in one app only)', () => {
    expect(itApp.manifest.id).to.equal(VALUES.TEAMS_IT_APP_ID);
    expect(itApp.manifest.name.short).to.equal('MFA Buddy IT');
    expect(itApp.manifest).to.not.have.property('bots');
    expect(itApp.manifest).to.not.have.property('composeExtensions');
    expect(itApp.manifest.staticTabs).to.deep.equal([
      {
        entityId: PROGRESS_TAB_ENTITY_ID,
        name: 'IT progress',
        contentUrl: `https://${VALUES.BOT_DOMAIN}${PROGRESS_TAB_PATH}`,
        scopes: ['personal'],
      },
    ]);
  });

  it("the IT app has the bot app's developer, icons, domain and Entra app", () => {
    expect(itApp.manifest.developer).to.deep.equal(pupils.manifest.developer);
    expect(itApp.manifest.icons).to.deep.equal(pupils.manifest.icons);
    expect(itApp.manifest.validDomains).to.deep.equal([VALUES.BOT_DOMAIN]);
    expect(itApp.manifest.webApplicationInfo).to.deep.equal(pupils.manifest.webApplicationInfo);
  });

  it("asks Teams for sign-on tokens the bot accepts: webApplicationInfo's resource is one of the tab's audiences", () => {
    const config = loadConfig({
      BOT_ID: VALUES.BOT_ID,
      BOT_PASSWORD: 'x',
      TENANT_ID: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
      BOT_DOMAIN: VALUES.BOT_DOMAIN,
    });
    expect(itApp.manifest.webApplicationInfo.id).to.equal(config.tab.appId);
    expect(config.tab.audiences).to.include(itApp.manifest.webApplicationInfo.resource);
  });
});
