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
      })
      .strict()
      .prefault({}),
    /** How long the bot keeps a user's progress after their last activity. */
    retention: z
      .object({ days: z.number().int().min(30).max(1100).default(400) })
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
