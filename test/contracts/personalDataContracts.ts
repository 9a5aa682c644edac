/**
 * What the bot keeps about people, on every backend: after the retention periods nothing of an inactive user
 * is left in any table, queue or container (found by listing them, so a store added later is covered too)
 * while an active user's data stays; one person's export holds their records from every store and their
 * erase removes them everywhere, leaving everyone else's; conversation references are kept without names.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Stores } from '../../src/adapters/storage';
import { RetentionJob } from '../../src/conversation/retentionJob';
import { loadSchoolPolicy } from '../../src/config/loadSchoolPolicy';
import { createLogger } from '../../src/logging/logger';
import { emailCheckedMarker, registeredMarker } from '../../src/nudges/campaignContext';
import { encodeEmailCheck } from '../../src/domain/registration/emailCheck';
import { windowGroupMarker } from '../../src/nudges/windowGroups';
import { PersonalDataService } from '../../src/privacy/personalData';
import { retentionPurges } from '../../src/privacy/retentionPurges';
import { SAMPLE_POLICY_PATH, TestClock } from '../support/conversationHarness';
import type { NewPlace, StoragePlace } from '../support/storagePlaces';

const ACTIVE = '7a000000-0000-4000-8000-0000000000a1';
const INACTIVE = '7a000000-0000-4000-8000-0000000000b2';
const DESK = '7a000000-0000-4000-8000-0000000000d3';
const CURRENT_CAMPAIGN = 'enforcement-2027-01-11';
const OLD_CAMPAIGN = 'enforcement-2025-09-01';
const NOW = '2026-12-01T10:00:00.000Z';

/** Places that hold nobody's data (a store that holds none can be added here, with the reason). */
const NOT_PERSONAL = [
  // Migration names and times.
  'table schema_migrations',
  // The campaign planner's lease: a lease name and its holder's process id.
  'table leases',
  'container leases',
  // The IT view's daily counts per group: numbers, no one in them.
  'table progress_days',
  'table progressdays',
];

/** Everything one person has in every store, at `at`: a pupil who used the guide, asked for help, and so on. */
async function populate(
  stores: Stores,
  userId: string,
  at: string,
  options: { campaignId: string; name: string; words: string; checker?: string },
): Promise<void> {
  const localDate = at.slice(0, 10);
  await stores.progress.put(userId, { step: 'chooseFirst', history: ['welcome'], updatedAt: at });
  await stores.references.save({
    userId,
    tenantId: '5c4f0d3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f',
    conversationId: `a:chat-${userId}`,
    serviceUrl: 'https://smba.trafficmanager.net/uk/',
    reference: {
      user: { id: `29:${userId}`, name: options.name, aadObjectId: userId },
      conversation: { id: `a:chat-${userId}`, conversationType: 'personal', name: options.name },
      bot: { id: '28:bot', name: 'MFA Buddy' },
      channelId: 'msteams',
    },
    updatedAt: at,
  });
  await stores.followUps.add({ userId, kind: 'done', requestedAt: at });
  const created = await stores.escalations.create(
    {
      id: crypto.randomUUID(),
      userId,
      formId: `form-${userId}`,
      category: 'other',
      way: 'walkIn',
      step: 'welcome',
      words: { text: options.words, truncated: false },
      createdAt: at,
      localDate,
      channelCopy: 'none',
    },
    3,
    () => `MFA-${crypto.randomBytes(3).toString('hex').toUpperCase()}`,
  );
  expect(created.kind).to.equal('created');
  await stores.supportCodes.createSecretIfAbsent({ userId, sealed: `v1:sealed-of-${userId}`, createdAt: at });
  await stores.supportCodes.recordCheck({
    at,
    checkerId: options.checker ?? DESK,
    targetUserId: userId,
    targetKind: 'upn',
    outcome: 'valid',
  });
  // A desk member checked them and gave them a Temporary Access Pass (the record, never the pass).
  const grantId = `grant-${userId}`;
  await stores.temporaryAccessPasses.create({
    id: grantId,
    deskMemberId: options.checker ?? DESK,
    userId,
    createdAt: at,
    via: 'supportCode',
  });
  await stores.temporaryAccessPasses.claim(grantId, at);
  await stores.temporaryAccessPasses.settle(grantId, 'issued', at);
  await stores.nudgeLedger.claim([
    { campaignId: options.campaignId, userId, nudge: 'd7', group: 'pupils', at },
  ]);
  await stores.nudgeLedger.setMarker(options.campaignId, registeredMarker(userId), at);
  // A campaign's live look found their email method is the school address.
  await stores.nudgeLedger.setMarker(
    options.campaignId,
    emailCheckedMarker(userId),
    encodeEmailCheck({ reportAsOf: at, schoolAddress: true, checkedAt: at }),
  );
  // The target group whose sending windows they follow.
  await stores.nudgeLedger.setMarker(options.campaignId, windowGroupMarker(userId), 'pupils-group');
  await stores.nudgeQueue.enqueue([
    { campaignId: options.campaignId, userId, nudge: 'd7', firstName: 'Sam' },
  ]);
}

/** The rows (by place) that mention `text`. */
function mentioning(contents: Map<string, string[]>, text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [place, rows] of contents) {
    const hits = rows.filter((row) => row.includes(text));
    if (hits.length > 0) found.set(place, hits);
  }
  return found;
}

export function describePersonalDataContracts(backend: string, newPlace: NewPlace): void {
  describe(`personal data contract: ${backend}`, () => {
    let place: StoragePlace;
    let stores: Stores;
    beforeEach(async () => {
      place = await newPlace();
      stores = await place.open();
    });
    afterEach(() => place.close());

    it('after the retention periods nothing of an inactive user is left anywhere; an active user keeps everything', async () => {
      await populate(stores, ACTIVE, '2026-11-30T09:00:00.000Z', {
        campaignId: CURRENT_CAMPAIGN,
        name: 'Active Pupil',
        words: 'my phone is new',
      });
      // Last seen eleven months ago; their campaign's enforcement date was fifteen months ago.
      await populate(stores, INACTIVE, '2026-01-05T09:00:00.000Z', {
        campaignId: OLD_CAMPAIGN,
        name: 'Gone Pupil',
        words: 'I lost my phone',
      });
      const before = await place.contents();
      // The fixture reaches every place that can hold personal data: a new store must be added to it.
      const unreached = [...before.keys()].filter(
        (name) => !NOT_PERSONAL.includes(name) && !before.get(name)!.some((row) => row.includes(ACTIVE)),
      );
      expect(unreached, 'tables, queues or containers the fixture put no one in').to.deep.equal([]);

      // IT's daily counts hold no one, but are kept a school year and a bit: one from two years ago goes.
      await stores.progressDays.record({
        date: '2024-11-29',
        takenAt: '2024-11-29T17:00:00.000Z',
        groups: [],
      });
      const policy = loadSchoolPolicy(SAMPLE_POLICY_PATH);
      const job = new RetentionJob({
        purges: retentionPurges({ policy, stores }),
        afterPass: () => stores.flushDeleted(),
        clock: new TestClock(new Date(NOW)),
        log: createLogger('silent'),
      });
      const deleted = await job.runOnce();
      expect(Object.keys(deleted).sort()).to.deep.equal([
        "IT's daily progress counts",
        'conversation references',
        'escalations',
        'guide progress',
        'nudge campaigns',
        'status follow-ups',
        'support code checks',
        'support code secrets',
        'temporary access pass grants',
      ]);
      for (const [what, n] of Object.entries(deleted)) expect(n, what).to.be.greaterThan(0);

      const after = await place.contents();
      expect(Object.fromEntries(mentioning(after, INACTIVE))).to.deep.equal({});
      expect(Object.fromEntries(mentioning(after, 'lost my phone'))).to.deep.equal({});
      // The active user's rows are all still there, unchanged.
      expect(mentioning(after, ACTIVE)).to.deep.equal(mentioning(before, ACTIVE));
      // Hidden messages too (a listing sees visible ones only): just the active user's nudge is left.
      expect(await stores.nudgeQueue.approximateCount()).to.equal(1);
    });

    it("exports one person's records from every store, erases them everywhere, and leaves the next person alone", async () => {
      const at = '2026-11-30T09:00:00.000Z';
      await populate(stores, ACTIVE, at, {
        campaignId: CURRENT_CAMPAIGN,
        name: 'Avery Unusualname',
        words: 'the app will not scan',
      });
      // The other person also checked Avery's code at the desk: a row about both of them.
      await populate(stores, INACTIVE, at, {
        campaignId: CURRENT_CAMPAIGN,
        name: 'Blake Othername',
        words: 'no signal at home',
        checker: ACTIVE,
      });
      const personal = new PersonalDataService(stores);
      expect([...(await personal.heldUserIds())].sort()).to.include.members([ACTIVE, INACTIVE, DESK]);

      const exported = await personal.exportUser(ACTIVE, new Date(NOW));
      expect(exported.userId).to.equal(ACTIVE);
      for (const [store, records] of Object.entries(exported.records)) {
        expect(records, store).to.not.be.empty;
      }
      const text = JSON.stringify(exported);
      expect(text).to.include('the app will not scan');
      expect(exported.records.supportCodes).to.deep.include({ kind: 'supportCodeSecret', presentSince: at });
      expect(exported.records.supportCodes).to.deep.include({
        kind: 'supportCodeCheck',
        at,
        role: 'checker',
        targetKind: 'upn',
        outcome: 'valid',
      });
      expect(
        (exported.records.nudges as { kind?: string; name?: string }[])
          .filter((r) => r.kind === 'campaignMarker')
          .map((r) => r.name)
          .sort(),
      ).to.deep.equal([`emailChecked:${ACTIVE}`, `registered:${ACTIVE}`, `windowGroup:${ACTIVE}`]);
      expect(exported.records.temporaryAccessPasses).to.deep.include({
        kind: 'temporaryAccessPassGrant',
        role: 'user',
        createdAt: at,
        via: 'supportCode',
        claimedAt: at,
        outcome: 'issued',
        settledAt: at,
      });
      // Never the secret, never the other person, never a name.
      expect(text).to.not.include('sealed');
      expect(text).to.not.include(INACTIVE);
      expect(text).to.not.include(DESK);
      expect(text).to.not.include('Unusualname');

      const others = mentioning(await place.contents(), INACTIVE);
      const erased = await personal.eraseUser(ACTIVE);
      expect(erased).to.deep.equal({
        guideProgress: 1,
        conversationReferences: 1,
        statusFollowUps: 1,
        escalations: 1,
        // The secret, the check on Avery, and Avery's check on Blake.
        supportCodes: 3,
        // The pass Avery was given, and the one Avery gave Blake.
        temporaryAccessPasses: 2,
        // The nudge row, the "registered" marker, what a look found about their email, their windows' group.
        nudges: 4,
        nudgeQueue: 1,
      });
      const after = await place.contents();
      expect(Object.fromEntries(mentioning(after, ACTIVE))).to.deep.equal({});
      expect(Object.fromEntries(mentioning(after, 'will not scan'))).to.deep.equal({});
      // Blake's rows are all there, but the check Avery made on Blake (Avery's own record) is gone with Avery.
      const blakeBefore = new Map(
        [...others].map(([k, rows]) => [k, rows.filter((r) => !r.includes(ACTIVE))]),
      );
      expect(mentioning(after, INACTIVE)).to.deep.equal(
        new Map([...blakeBefore].filter(([, rows]) => rows.length > 0)),
      );
      // Hidden messages too (a listing sees visible ones only): just Blake's nudge is left.
      expect(await stores.nudgeQueue.approximateCount()).to.equal(1);
      const again = await personal.exportUser(ACTIVE, new Date(NOW));
      expect(Object.values(again.records).flat()).to.deep.equal([]);
    });

    it('keeps conversation references without the display names Teams sends', async () => {
      await populate(stores, ACTIVE, '2026-11-30T09:00:00.000Z', {
        campaignId: CURRENT_CAMPAIGN,
        name: 'Avery Unusualname',
        words: 'words',
      });
      expect((await place.dump()).toString('utf8')).to.not.include('Unusualname');
      const stored = await stores.references.get(ACTIVE);
      expect(stored?.reference).to.deep.equal({
        user: { id: `29:${ACTIVE}`, aadObjectId: ACTIVE },
        conversation: { id: `a:chat-${ACTIVE}`, conversationType: 'personal' },
        bot: { id: '28:bot', name: 'MFA Buddy' },
        channelId: 'msteams',
      });
    });
  });
}
