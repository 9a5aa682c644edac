/**
 * The `campaign` section of the school policy: who is nudged before the enforcement date, on which days
 * before it, inside which school days and hours, in which tone, and how often a user may snooze. Kept in its
 * own module so the policy file grows by sections without one long schema.
 */
import { z } from 'zod';
import { daysBetween } from './localDate';

const localDate = z.iso.date({ error: 'must be a date written as YYYY-MM-DD' });
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time written as HH:MM');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const groupId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be an Entra group id (a GUID)',
  )
  .transform((id) => id.toLowerCase());

/** A group named for people: the id is what Graph knows, the name is what the report shows. */
const namedGroup = z.object({ id: groupId, name: z.string().min(1).max(60) }).strict();

/**
 * One of a target group's own sending windows: these weekdays, these local hours. `schoolDaysOnly` (the
 * default) keeps it to days inside a term and outside every holiday, whatever the weekday: a Saturday window
 * opens on the Saturdays of a term, not in half term or the Christmas holiday. `false` opens it in holidays too.
 */
const groupWindow = z
  .object({
    days: z.array(weekday).min(1),
    from: clockTime,
    to: clockTime,
    schoolDaysOnly: z.boolean().default(true),
  })
  .strict()
  .refine((w) => w.from < w.to, "a window's from must be earlier than its to");

/** Two windows of one group overlap when they share a weekday and some minutes of it. */
function windowsOverlap(a: { days: string[]; from: string; to: string }, b: typeof a): boolean {
  return a.days.some((d) => b.days.includes(d)) && a.from < b.to && b.from < a.to;
}

/**
 * A target group, with the windows its nudges arrive in when they are not the campaign's `window` (pupils at
 * home after school, staff during the day). A member of two target groups takes the first one's windows.
 */
const targetGroup = namedGroup
  .extend({
    windows: z
      .array(groupWindow)
      .min(1)
      .refine(
        (ws) => !ws.some((w, i) => ws.slice(i + 1).some((v) => windowsOverlap(w, v))),
        'two windows of the group overlap (same day, same hours): make them one',
      )
      .optional(),
  })
  .strict();

/** A run of local dates, both ends included. */
const dateRange = z
  .object({ name: z.string().min(1).max(60), from: localDate, to: localDate })
  .strict()
  .refine((r) => r.from <= r.to, 'from must not be later than to');

/** How a reminder sounds: the card's heading and urgency follow it. */
export const TONES = ['friendly', 'reminder', 'urgent', 'final'] as const;
export type Tone = (typeof TONES)[number];

/**
 * What the planner does with a reminder day that is not a school day (a weekend, a holiday, outside term):
 * `earlier` sends on the last school day before it, `later` on the first school day after it (never after the
 * enforcement date), `skip` drops it. Reminders that land on the same day merge into one.
 */
export const OFF_DAY_RULES = ['earlier', 'later', 'skip'] as const;

const stage = z
  .object({
    daysBefore: z.number().int().min(0).max(120),
    tone: z.enum(TONES),
  })
  .strict();

export const campaignSchema = z
  .object({
    /** Who is nudged: members of these groups (nested groups included), less the exclusions. */
    targets: z
      .object({
        groups: z.array(targetGroup).min(1),
        exclude: z
          .object({
            groups: z.array(namedGroup).default([]),
            users: z.array(groupId).default([]),
          })
          .strict()
          .prefault({}),
      })
      .strict(),
    /** Extra groups the delivery report breaks its figures down by (year groups, say). */
    reportGroups: z.array(namedGroup).default([]),
    /** Reminder days, counted back from registration.enforcementDate (0 = on the day). */
    stages: z
      .array(stage)
      .min(1)
      .refine(
        (s) => new Set(s.map((x) => x.daysBefore)).size === s.length,
        'two stages have the same daysBefore',
      ),
    /**
     * Never weekends or nights: the days and the local hours a nudge may arrive, for a target group without
     * windows of its own. Its days are also the school's weekdays: a stage's day is one of them, in term.
     */
    window: z
      .object({
        days: z.array(weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
        from: clockTime,
        to: clockTime,
      })
      .strict()
      .refine((w) => w.from < w.to, 'campaign.window.from must be earlier than campaign.window.to'),
    /** Term dates: a day outside every term is a holiday. */
    terms: z.array(dateRange).min(1),
    /** Days inside a term that are not school days (half terms, bank holidays, training days). */
    holidays: z.array(dateRange).default([]),
    offDays: z.enum(OFF_DAY_RULES).default('earlier'),
    snooze: z
      .object({
        /** How long one snooze lasts; the reminder then waits for the next sending window. */
        hours: z.number().int().min(1).max(168).default(24),
        /** Snoozes per user for the whole campaign; the Snooze button disappears after the last. */
        max: z.number().int().min(0).max(10).default(2),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const h of c.holidays) {
      if (!c.terms.some((t) => h.from <= t.to && h.to >= t.from)) {
        ctx.addIssue({ code: 'custom', message: `holiday "${h.name}" is outside every term` });
      }
    }
    const sorted = [...c.terms].sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if (daysBetween(sorted[i - 1]!.to, sorted[i]!.from) <= 0)
        ctx.addIssue({
          code: 'custom',
          message: `terms "${sorted[i - 1]!.name}" and "${sorted[i]!.name}" overlap`,
        });
    }
  });

/** The validated campaign section. */
export type CampaignPolicy = z.output<typeof campaignSchema>;
export type CampaignStagePolicy = CampaignPolicy['stages'][number];
export type NamedGroup = z.output<typeof namedGroup>;
export type TargetGroup = z.output<typeof targetGroup>;
/** A group's own sending window. */
export type GroupWindow = z.output<typeof groupWindow>;
