import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { APP_PACKAGE_DIR, environmentFor, fillPlaceholders } from '../../scripts/packageApp';
import { loadConfig } from '../../src/config/env';
import { PROGRESS_TAB_ENTITY_ID, PROGRESS_TAB_PATH } from '../../src/features/itView/progressTab';

const VALUES = {
  TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  BOT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3302',
  BOT_DOMAIN: 'mfa-buddy.example.org',
  SCHOOL_NAME: 'Ken Stimpson',
  APP_NAME_SUFFIX: '',
};

interface TabManifest {
  staticTabs: { entityId: string; contentUrl?: string; scopes: string[] }[];
  webApplicationInfo: { id: string; resource: string };
}

describe("Teams app package: IT's tab", () => {
  const raw = fs.readFileSync(path.join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(
    fillPlaceholders(raw, environmentFor('test-env-that-has-no-file', VALUES)).text,
  ) as TabManifest;

  it('keeps the chat first and opens the IT tab at the page the bot serves', () => {
    expect(manifest.staticTabs.map((t) => t.entityId)).to.deep.equal([
      'conversations',
      PROGRESS_TAB_ENTITY_ID,
    ]);
    expect(manifest.staticTabs[1]!.contentUrl).to.equal(`https://${VALUES.BOT_DOMAIN}${PROGRESS_TAB_PATH}`);
  });

  it("asks Teams for sign-on tokens the bot accepts: webApplicationInfo's resource is one of the tab's audiences", () => {
    const config = loadConfig({
      BOT_ID: VALUES.BOT_ID,
      BOT_PASSWORD: 'x',
      TENANT_ID: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
      BOT_DOMAIN: VALUES.BOT_DOMAIN,
    });
    expect(manifest.webApplicationInfo.id).to.equal(config.tab.appId);
    expect(config.tab.audiences).to.include(manifest.webApplicationInfo.resource);
  });
});
