/**
 * The school policy file: one place where a school says who it is, when enforcement starts, how to reach
 * IT Support and which verification methods it accepts. Parsed and validated once at start.
 */
import { z } from 'zod';
import { isValidTimeZone } from './localDate';
import { MICROSOFT_DATES } from './microsoftDates';
import { campaignSchema } from './campaignPolicy';

const localDate = z.iso.date({ error: 'must be a date written as YYYY-MM-DD' });
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time written as HH:MM');
const domainName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
    'must be a domain such as kscs.org.uk',
  )
  .transform((d) => d.toLowerCase());
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// address' });
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const entraId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be an Entra object id (a GUID)',
  )
  .transform((id) => id.toLowerCase());

/** Whether a method may be registered, and until which local date (exclusive) it counts. */
const methodRule = (defaultUntil?: string) =>
  z
    .object({
      allowed: z.boolean().default(true),
      until: localDate.optional(),
      /** Allowed but steered away from (shown last, with a reason). */
      discouraged: z.boolean().default(false),
    })
    .strict()
    .transform((r) => ({ ...r, until: r.until ?? defaultUntil }));

export const schoolPolicySchema = z
  .object({
    school: z
      .object({
        name: z.string().min(1).max(120),
        shortName: z.string().min(1).max(40).optional(),
        /** The school's own mail domains: none of them can be the email method. */
        domains: z.array(domainName).min(1),
        timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/London'),
      })
      .strict(),
    registration: z
      .object({
        url: httpsUrl.default('https://aka.ms/mfasetup'),
        /** Where users reset a forgotten password themselves. */
        resetUrl: httpsUrl.default('https://aka.ms/sspr'),
        enforcementDate: localDate,
      })
      .strict(),
    support: z
      .object({
        room: z.string().min(1).max(40),
        mailbox: z.email(),
        hours: z
          .object({
            days: z.array(weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
            from: clockTime,
            to: clockTime,
          })
          .strict()
          .refine((h) => h.from < h.to, 'support.hours.from must be earlier than support.hours.to'),
        /**
         * What IT Support can give someone with no smartphone, so the bot can send them there now rather than to
         * texts and calls that stop at the cut-off. A hardware OATH token works for sign-in and password reset
         * (needs Entra ID P1/P2); a FIDO2 security key works for sign-in only.
         */
        noSmartphone: z
          .object({
            hardwareToken: z.boolean().default(false),
            securityKey: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
        /** The school's rule on phones: many schools ban them for the whole day, some allow them at the IT desk. */
        phones: z
          .object({
            /** Pupils may use a phone during the school day (then they can set up the app at school). */
            duringSchoolDay: z.boolean().default(false),
            /** Pupils may bring a phone to the IT desk (then IT can help with the phone in hand). */
            atItDesk: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
      })
      .strict(),
    methods: z
      .object({
        first: z
          .object({
            authenticatorApp: methodRule().prefault({}),
            authenticatorPasskey: methodRule().prefault({}),
            sms: methodRule(MICROSOFT_DATES.smsVoiceDeliveryEnds).prefault({}),
            voice: methodRule(MICROSOFT_DATES.smsVoiceDeliveryEnds).prefault({}),
          })
          .strict()
          .prefault({}),
        second: z
          .object({
            email: methodRule().prefault({}),
            securityQuestions: methodRule(MICROSOFT_DATES.securityQuestionsResetEnds).prefault({
              discouraged: true,
            }),
          })
          .strict()
          .prefault({}),
        /**
         * Microsoft's own "add a passkey" screen for people with text or call methods: shown from `from`, and from
         * `cannotSkipFrom` it cannot be skipped by someone whose only methods are texts or calls.
         */
        passkeyPrompt: z
          .object({
            from: localDate.default(MICROSOFT_DATES.passkeyPromptFrom),
            cannotSkipFrom: localDate.default(MICROSOFT_DATES.smsVoiceDeliveryEnds),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Entra groups with a role in the bot (membership is read from the directory, nested groups count). */
    groups: z
      .object({
        /** May check support codes (`verify <upn or reference> <code>`). Unset: nobody can. */
        serviceDesk: entraId.optional(),
        /** IT staff (the IT views); the service desk is usually nested in it. */
        itStaff: entraId.optional(),
      })
      .strict()
      .prefault({}),
    /** "I need help": limits, and where the desk also sees escalations. */
    escalation: z
      .object({
        /** Escalations one user may open per school day; more get a polite "already asked" answer. */
        maxPerUserPerDay: z.number().int().min(1).max(20).default(3),
        /** Longest free text kept from the help form, in characters; longer text is cut. */
        freeTextMaxLength: z.number().int().min(50).max(2000).default(500),
        /** How many of the next support days a user can pick from when booking a time. */
        bookingDaysAhead: z.number().int().min(1).max(5).default(3),
        /** Days an escalation record (reference, category, delivery state) is kept; the user's words go once mailed. */
        retentionDays: z.number().int().min(7).max(400).default(30),
        /** Optional Teams channel that gets a copy of each escalation card (the bot must be installed in its team). */
        channel: z
          .object({
            teamId: z.string().min(1).max(200),
            /** The channel's conversation id, e.g. 19:…@thread.tacv2. */
            channelId: z.string().regex(/^19:[^\s]+$/, 'must be a Teams channel id (19:…)'),
            /** The connector endpoint for the school's region; default: taken from the user's own chat. */
            serviceUrl: httpsUrl.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Support codes: the short-lived codes users show the desk to prove who they are. */
    supportCodes: z
      .object({
        /** Checks one desk member may make per window. */
        maxChecksPerChecker: z.number().int().min(1).max(100).default(10),
        /** Checks against one user per window, whoever makes them (a 6-digit code must not be guessable). */
        maxChecksPerTarget: z.number().int().min(1).max(20).default(5),
        windowMinutes: z.number().int().min(1).max(1440).default(15),
        /** How long a "member of the service desk" answer is trusted. */
        membershipCacheMinutes: z.number().int().min(0).max(60).default(5),
      })
      .strict()
      .prefault({}),
    /**
     * The desk's Temporary Access Pass: after checking someone's identity (a valid support code, or in person),
     * a desk member may have Microsoft issue that person a pass to sign in once and set up their methods.
     */
    temporaryAccessPass: z
      .object({
        /** Off unless switched on: the app then needs UserAuthenticationMethod.ReadWrite.All. */
        enabled: z.boolean().default(false),
        /** A note for whoever edits the file (a YAML comment does not survive every tool); not read by the bot. */
        description: z.string().max(500).optional(),
        /** Minutes the pass works for; the tenant's Temporary Access Pass policy must allow it (default 60–480). */
        lifetimeMinutes: z.number().int().min(10).max(480).default(60),
        /** The pass signs in once (recommended: a pass that is seen once cannot be reused by whoever saw it). */
        usableOnce: z.boolean().default(true),
        /** How long after a successful check of someone's identity the desk may give them a pass. */
        verifiedWithinMinutes: z.number().int().min(1).max(60).default(10),
      })
      .strict()
      .prefault({}),
    /**
     * How long the bot keeps each kind of record, in days (escalations: `escalation.retentionDays`). Defaults
     * are about a school term; every key may be left out.
     */
    retention: z
      .object({
        /** Guide progress, after the user's last action. */
        days: z.number().int().min(30).max(1100).default(120),
        /**
         * The way to message a user (conversation reference), after the last install or message that refreshed
         * it. Two terms by default, so that it outlives a campaign (stages start at most 120 days ahead).
         */
        conversationReferenceDays: z.number().int().min(30).max(1100).default(180),
        /** A status follow-up still owed after this long is no use to anyone. */
        statusFollowUpDays: z.number().int().min(1).max(90).default(7),
        /** A support-code secret nobody has checked a code of for this long (a new one is made when asked). */
        supportCodeSecretDays: z.number().int().min(7).max(1100).default(120),
        /** The audit of the desk's support-code checks (also the rate limits' memory). */
        supportCodeCheckDays: z.number().int().min(1).max(1100).default(120),
        /** The record of each Temporary Access Pass the desk may give or gave (who, for whom, when; never the pass). */
        temporaryAccessPassDays: z.number().int().min(7).max(1100).default(120),
        /**
         * A campaign's whole delivery ledger (who was nudged, snoozes, outcomes), this many days after its
         * enforcement date: the report stays whole while IT follows up, then the campaign goes at once.
         */
        nudgeDaysAfterEnforcement: z.number().int().min(7).max(400).default(60),
        /** Demo mode's mail files in DATA_DIR/demo-mail. */
        demoMailDays: z.number().int().min(1).max(90).default(7),
      })
      .strict()
      .prefault({}),
    /** Proactive nudges before the enforcement date (absent: no campaign runs). */
    campaign: campaignSchema.optional(),
  })
  .strict();

/** The validated school policy. */
export type SchoolPolicy = z.output<typeof schoolPolicySchema>;
/** A rule for one method as written in the policy. */
export type MethodRule = SchoolPolicy['methods']['first']['sms'];

/** Validates an already-parsed policy document; returns the policy or a list of readable problems. */
export function parseSchoolPolicy(
  doc: unknown,
): { ok: true; policy: SchoolPolicy } | { ok: false; problems: string[] } {
  const result = schoolPolicySchema.safeParse(doc);
  if (result.success) return { ok: true, policy: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
  };
}
