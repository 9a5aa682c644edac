/**
 * Property-based: 10,000 generated inputs through the whole bot on the TestAdapter: every card verb with
 * well-formed and malformed payloads (wrong types, missing fields, huge strings, odd Unicode, prototype keys,
 * nested junk), sent as Action.Submit and as Action.Execute, and free text (any Unicode, long, near the
 * intents' phrases). Every turn must end without reaching onTurnError and must answer.
 *
 * The seed is fixed so a failure is reproducible; fast-check prints it with the failing input. Another
 * seed: FUZZ_SEED=<n>.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { Activity } from 'botbuilder';
import { DEMO_USERS } from '../../src/adapters/demo/demoSchool';
import { HELP_VIEWS } from '../../src/features/help/helpVerbs';
import { Verb, type VerbName } from '../../src/features/verbs';
import { CATEGORIES, HELP_WAYS, PARTS_OF_DAY } from '../../src/domain/escalation/categories';
import { CHOICES, STEP_IDS } from '../../src/domain/guide/steps';
import { INTENTS, PHRASES } from '../../src/domain/text/intents';
import { personal, testUser, type TestUser } from '../support/activities';
import { cardsOf, headingOf, viewCard } from '../support/cards';
import { ConversationHarness } from '../support/conversationHarness';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const BROKEN_BUTTON = "Sorry, that button didn't work";
const NOT_UNDERSTOOD = "Sorry, I didn't get that";
const SENSITIVE = "⚠️ Please don't send me that";
/** 10,000 in the full suite; `npm run test:fast` asks for fewer (FUZZ_RUNS) to keep the inner loop quick. */
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const VERBS: VerbName[] = Object.values(Verb);
/** Free text gets the share of two verbs; the verbs split the rest evenly. */
const TEXT_RUNS = 2 * Math.floor(TOTAL_RUNS / (VERBS.length + 2));
const RUNS_PER_VERB = Math.floor((TOTAL_RUNS - TEXT_RUNS) / VERBS.length);
const RUNS_FOR_TEXT = TOTAL_RUNS - RUNS_PER_VERB * VERBS.length;

/** A few pupils and the desk member (real demo users, so status and support codes do real work), and strangers. */
const USERS: TestUser[] = [
  testUser('Sam Taylor', DEMO_USERS.samTaylor),
  testUser('Priya Shah', DEMO_USERS.priyaShah),
  testUser('Jordan Lee', DEMO_USERS.jordanLee),
  testUser('Daniel Okafor', DEMO_USERS.danielOkafor),
  testUser('Nobody Known'),
];

// ---- junk ----------------------------------------------------------------------------------------------

/** Keys that pollute a prototype when an object is merged carelessly. */
const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'verb'];

/** Strings a client can send: any Unicode (lone surrogates too), control and direction characters, huge ones. */
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uD800',
    '\uDFFF',
    '\u202E\u2066evil\u2069',
    '👨‍👩‍👧‍👦'.repeat(50),
    'e\u0301'.repeat(30),
    '<script>alert(1)</script>',
    '${{evil}}',
    '{"$data": "x"}',
    'NaN',
    '-0',
    '2026-02-30',
    'first.app.scan',
    '__proto__',
  ),
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

/** JSON values as a client would send them (a submit's `value` is parsed JSON), with poison keys in objects. */
const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, 0.5),
    fc.integer(),
    oddString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...POISON_KEYS), fc.string({ maxLength: 8 })), tie('value')), {
        maxLength: 5,
      })
      .map(fromEntriesAsJson),
  ),
})).value;

/** An object with own keys, `__proto__` included, as JSON.parse would make it. */
function fromEntriesAsJson(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

// ---- well-formed payloads, one per verb ---------------------------------------------------------------

const step = fc.constantFrom(...STEP_IDS);
/** Days around the harness's Monday 30 November 2026 (the three offered, past, far, and impossible ones). */
const day = fc.constantFrom(
  '2026-12-01',
  '2026-12-02',
  '2026-12-03',
  '2026-11-27',
  '2027-06-30',
  '2026-02-30',
  '2026-02-29',
  '0000-01-01',
  '9999-12-31',
);
const formId = fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/);
const grantId = fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/);
const sensitiveWords = fc.constantFrom(
  'my password is Sunshine!',
  'jo.bloggs@gmail.com',
  'pin 1234',
  'call 07700 900123',
  "my mum's maiden name is Smith",
  'error code 53003 in Year 10',
);
const words = fc.oneof(
  oddString,
  sensitiveWords,
  fc.array(fc.oneof(sensitiveWords, oddString), { maxLength: 4 }).map((parts) => parts.join(' ')),
);
const draft = {
  formId,
  from: step,
  category: fc.constantFrom(...CATEGORIES),
  way: fc.constantFrom(...HELP_WAYS),
  day,
  part: fc.constantFrom(...PARTS_OF_DAY),
};
const draftOptional = ['from', 'category', 'way', 'day', 'part', 'words'] as const;

const WELL_FORMED: Record<VerbName, fc.Arbitrary<Record<string, unknown>>> = {
  [Verb.GuideStart]: fc.constant({}),
  [Verb.GuideRestart]: fc.constant({}),
  [Verb.GuideResume]: fc.constant({}),
  [Verb.SupportCodeShow]: fc.constant({}),
  [Verb.GuideNext]: fc.record({ from: step }),
  [Verb.GuideBack]: fc.record({ from: step }),
  [Verb.GuideStuck]: fc.record({ from: step }, { requiredKeys: [] }),
  [Verb.GuideChoose]: fc.record({ from: step, choice: fc.constantFrom(...CHOICES) }),
  [Verb.Ask]: fc.record({ intent: fc.constantFrom(...INTENTS) }),
  [Verb.StatusFix]: fc.record({ step, first: fc.constantFrom('app', 'phone') }, { requiredKeys: ['step'] }),
  [Verb.NudgeSnooze]: fc.record({
    campaign: fc.stringMatching(/^enforcement-\d{4}-\d{2}-\d{2}$/),
    nudge: fc.stringMatching(/^d\d{1,3}(\+s\d{1,2})?$/),
  }),
  [Verb.CardRefresh]: fc.record(
    {
      of: fc.constantFrom('status', 'nudge'),
      campaign: fc.stringMatching(/^enforcement-\d{4}-\d{2}-\d{2}$/),
      nudge: fc.stringMatching(/^d\d{1,3}(\+s\d{1,2})?$/),
      hint: fc.constantFrom('morning', 'evening', 'today'),
    },
    { requiredKeys: ['of'] },
  ),
  [Verb.HelpStep]: fc.record(
    { ...draft, view: fc.constantFrom(...HELP_VIEWS) },
    { requiredKeys: ['formId', 'view'] },
  ),
  [Verb.HelpSend]: fc.record({ ...draft, words }, { requiredKeys: ['formId'] }),
  // Grant ids nobody made: a forged or replayed pass button.
  [Verb.PassGive]: fc.record({ grantId }),
  [Verb.PassConfirm]: fc.record({ grantId }),
  [Verb.PassCancel]: fc.record({ grantId }),
  [Verb.LanguageShow]: fc.constant({}),
  // Languages there are, and well-formed tags there is no catalogue for.
  [Verb.LanguageChoose]: fc.record({ locale: fc.constantFrom('en-GB', 'pl', 'ur', 'cy', 'pt-BR') }),
};

/** A well-formed payload broken one way: a field with the wrong value, a field missing, junk added. */
function malformed(verb: VerbName): fc.Arbitrary<unknown> {
  const broken = WELL_FORMED[verb].chain((payload) => {
    const keys = [...Object.keys(payload), ...draftOptional, 'verb'];
    return fc.oneof(
      // A field with a junk value (the verb itself included).
      fc.tuple(fc.constantFrom(...keys), junk).map(([key, value]) => ({ verb, ...payload, [key]: value })),
      // A field missing.
      fc.constantFrom(...keys).map((key) => {
        const copy: Record<string, unknown> = { verb, ...payload };
        delete copy[key];
        return copy;
      }),
      // Extra junk and poison keys beside a valid payload.
      fc
        .array(fc.tuple(fc.constantFrom(...POISON_KEYS, 'data', 'action', 'value'), junk), { maxLength: 3 })
        .map((extra) => fromEntriesAsJson([...Object.entries({ verb, ...payload }), ...extra])),
      // The payload nested where the verb is not expected.
      fc.constant({ data: { verb, ...payload } }),
    );
  });
  return fc.oneof(broken, junk);
}

/** A card action for `verb`: half well-formed, half malformed. */
function actionData(verb: VerbName): fc.Arbitrary<unknown> {
  return fc.oneof(
    WELL_FORMED[verb].map((payload) => ({ verb, ...payload })),
    malformed(verb),
  );
}

/** Mostly the known users (their state builds up); sometimes someone new, so sends are not all over the limit. */
const user = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...USERS) },
  { weight: 1, arbitrary: fc.uuid({ version: 4 }).map((id) => testUser('Fuzz Pupil', id)) },
);

/** The data sent as an Action.Submit (a message with `value`) or an Action.Execute (an invoke). */
function cardActivity(verb: VerbName): fc.Arbitrary<Partial<Activity>> {
  return fc.tuple(user, actionData(verb), fc.boolean(), fc.boolean()).map(([who, data, execute, odd]) => {
    if (!execute) return { ...personal(who), type: 'message', text: '', value: data };
    // An invoke's value: the action as Teams sends it, or (sometimes) something else entirely.
    const verbOf = typeof data === 'object' && data !== null ? (data as { verb?: unknown }).verb : undefined;
    const value = odd ? data : { action: { type: 'Action.Execute', verb: verbOf, data }, trigger: 'manual' };
    return { ...personal(who), type: 'invoke', name: 'adaptiveCard/action', value };
  });
}

// ---- free text ------------------------------------------------------------------------------------------

const phrase = fc.constantFrom(...Object.values(PHRASES).flat());

/** A phrase typed as phones and people do: a typo, capitals, punctuation, HTML, a number or a cue beside it. */
const nearPhrase = fc
  .tuple(
    phrase,
    fc.nat(),
    fc.constantFrom('', '!!', '?', ' pls', ' not', "I'm ", 'my password is ', 'pin ', ' 482913', ' 2027'),
    fc.constantFrom('plain', 'typo', 'swap', 'upper', 'html', 'verify'),
  )
  .map(([text, at, extra, how]) => {
    const i = text.length > 0 ? at % text.length : 0;
    const typed =
      how === 'typo'
        ? text.slice(0, i) + text.slice(i + 1)
        : how === 'swap'
          ? text.slice(0, i) + (text[i + 1] ?? '') + (text[i] ?? '') + text.slice(i + 2)
          : how === 'upper'
            ? text.toUpperCase()
            : how === 'html'
              ? `<p>${text}&nbsp;</p>`
              : how === 'verify'
                ? `verify ${text}`
                : text;
    return extra.endsWith(' ') ? extra + typed : typed + extra;
  });

const freeText = fc.oneof(
  nearPhrase,
  oddString,
  words,
  fc.string({ unit: 'grapheme', minLength: 400, maxLength: 2_000 }),
  fc.constantFrom(
    'verify',
    'verify MFA-7K2Q 123 456',
    'verify sam.taylor@kscs.org.uk 482913',
    'verify x y z',
  ),
);

/** A typed message; now and then `text` is not even a string (a client's bug, or an attacker's). */
const textActivity = fc
  .tuple(user, fc.oneof({ weight: 19, arbitrary: freeText }, { weight: 1, arbitrary: junk }))
  .map(([who, text]): Partial<Activity> => ({ ...personal(who), type: 'message', text: text as string }));

// ---- the property ---------------------------------------------------------------------------------------

describe('Fuzz: no input crashes a turn, every input gets an answer', function () {
  this.timeout(180_000);
  let h: ConversationHarness;

  // One bot for every input: state from earlier inputs (progress, escalations, limits) is part of the test.
  before(() => {
    // Cards refresh themselves (CARD_REFRESH=on): the path with more to it, and status cards at 1.5.
    h = new ConversationHarness({ now: '2026-11-30T10:00:00Z', escalationWaitMs: 200, cardRefresh: true });
  });
  after(() => h.close());

  /** Headings of the answers seen, per property: proof that the generators reach past the refusals. */
  let headings = new Set<string>();

  /** Runs one turn and checks it answered without reaching onTurnError (and polluted no prototype). */
  async function answersWithoutCrashing(activity: Partial<Activity>): Promise<void> {
    const errors = h.turnErrors.length;
    const replies = await h.send(activity);
    expect(h.turnErrors.slice(errors)).to.deep.equal([]);
    if (activity.type === 'invoke') {
      const response = replies.find((r) => r.type === 'invokeResponse')?.value as
        { status?: number; body?: { type?: string; value?: unknown } } | undefined;
      expect(response?.status, 'invoke status').to.equal(200);
      const body = response?.body;
      if (body?.type === 'application/vnd.microsoft.card.adaptive') {
        expect((body.value as { type?: unknown }).type, 'invoke card').to.equal('AdaptiveCard');
        headings.add(headingOf(viewCard(body.value as Record<string, unknown>)));
      } else if (body?.type === 'application/vnd.microsoft.error') {
        // Only a card's refresh with nothing to show (a user the bot holds nothing about, data it cannot read).
        const action = (activity.value as { action?: { verb?: unknown } } | undefined)?.action;
        expect(action?.verb, 'error answer to').to.equal('card.refresh');
        expect(body).to.deep.include({ statusCode: 500 });
      } else {
        expect(body?.type, 'invoke answer').to.equal('application/vnd.microsoft.activity.message');
        expect((body?.value as { text?: unknown }).text, 'invoke message')
          .to.be.a('string')
          .and.match(/\S/);
      }
    } else {
      const messages = replies.filter((r) => r.type === 'message');
      expect(messages, 'replies').to.not.have.length(0);
      for (const card of messages.flatMap(cardsOf)) headings.add(headingOf(card));
    }
    expect(Object.keys(Object.prototype), 'Object.prototype').to.deep.equal([]);
  }

  /** `numRuns` inputs from `arbitrary`; returns the headings of the answers seen. */
  async function check(
    arbitrary: fc.Arbitrary<Partial<Activity>>,
    numRuns: number,
    seed: number,
  ): Promise<Set<string>> {
    headings = new Set();
    await fc.assert(fc.asyncProperty(arbitrary, answersWithoutCrashing), { numRuns, seed });
    return headings;
  }

  it(`splits ${TOTAL_RUNS} inputs: ${RUNS_PER_VERB} per verb (${VERBS.length}), ${RUNS_FOR_TEXT} typed`, () => {
    expect(RUNS_PER_VERB * VERBS.length + RUNS_FOR_TEXT).to.equal(TOTAL_RUNS);
  });

  VERBS.forEach((verb, i) => {
    it(`card verb ${verb}`, async () => {
      const seen = await check(cardActivity(verb), RUNS_PER_VERB, SEED + i);
      // Well-formed payloads get real answers, not only the refusal of a broken button.
      expect([...seen].filter((heading) => heading !== BROKEN_BUTTON)).to.not.have.length(0);
    });
  });

  it('typed text', async () => {
    // Its own seed, not one after the verbs': a new verb does not change which texts are typed.
    const seen = await check(textActivity, RUNS_FOR_TEXT, SEED - 1);
    expect([...seen]).to.include.members([NOT_UNDERSTOOD, SENSITIVE, "Let's get you some help"]);
  });
});
