/**
 * The IT tab on the bot's own server: the page and its scripts (`/tab/…`, Chart.js and the Teams JavaScript
 * library served from node_modules, nothing from a CDN), and the data routes (`/api/it/…`: reads, and one
 * POST, the campaign's resend to failures). Every data route needs a Teams sign-on token (TabSignIn) of a
 * member of IT staff: without one it answers 401 (no or bad token) or 403 (not IT staff) with no figure, name
 * or count in the body. Data answers are never cached.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response, Next, Server } from 'restify';
import { z } from 'zod';
import {
  PROGRESS_CATEGORIES,
  WHOLE_SCHOOL_ID,
  percentComplete,
  wholeSchoolGroups,
} from '../../domain/progress/schoolProgress';
import type { ReasonCode } from '../../domain/registration/evaluateRegistration';
import type { Logger } from '../../logging/logger';
import type { CampaignSection } from './campaignSection';
import { CATEGORY_WORDS, MISSING_WORDS } from './itViewWords';
import type { ItStaffMembership } from './itStaffMembership';
import { peopleCsv } from './peopleCsv';
import { NO_FOLLOW_UP } from './personFollowUps';
import { PROGRESS_TAB_PATH } from './progressTab';
import type { SchoolProgressService } from './schoolProgressService';
import type { TabSignIn } from './tabSignIn';

/** The tab's own files, at the package root (beside cards/): the same relative path from src/ and dist/. */
export const TAB_DIR = path.resolve(__dirname, '..', '..', '..', 'tab');

export interface ItViewRouteDeps {
  signIn: TabSignIn;
  staff: ItStaffMembership;
  progress: SchoolProgressService;
  /** The campaign's delivery, its resend, and the open escalations. */
  campaign: CampaignSection;
  log: Logger;
}

interface StaticFile {
  type: string;
  body: Buffer;
}

/** Every file the tab loads, read once at start (a few hundred kilobytes). */
function tabFiles(): Map<string, StaticFile> {
  const vendor = (pkg: string, file: string) =>
    fs.readFileSync(path.join(path.dirname(require.resolve(pkg)), file));
  const js = 'text/javascript; charset=utf-8';
  return new Map<string, StaticFile>([
    [
      PROGRESS_TAB_PATH,
      { type: 'text/html; charset=utf-8', body: fs.readFileSync(path.join(TAB_DIR, 'progress.html')) },
    ],
    ['/tab/progress.js', { type: js, body: fs.readFileSync(path.join(TAB_DIR, 'progress.js')) }],
    [
      '/tab/progress.css',
      { type: 'text/css; charset=utf-8', body: fs.readFileSync(path.join(TAB_DIR, 'progress.css')) },
    ],
    // chart.js resolves to dist/chart.cjs, teams-js to dist/umd/MicrosoftTeams.min.js: their browser builds sit beside.
    ['/tab/vendor/chart.umd.min.js', { type: js, body: vendor('chart.js', 'chart.umd.min.js') }],
    ['/tab/vendor/teams.min.js', { type: js, body: vendor('@microsoft/teams-js', 'MicrosoftTeams.min.js') }],
  ]);
}

const peopleQuery = z.object({
  group: z.union([z.literal(WHOLE_SCHOOL_ID), z.string().regex(/^[0-9a-f-]{36}$/i)]).default(WHOLE_SCHOOL_ID),
  category: z.enum(PROGRESS_CATEGORIES).optional(),
});

function refuse(res: Response, status: number, error: string, message: string): void {
  res.setHeader('Cache-Control', 'no-store');
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.json(status, { error, message });
}

export function mountItView(server: Server, deps: ItViewRouteDeps): void {
  const { signIn, staff, progress, campaign, log } = deps;
  for (const [route, file] of tabFiles()) {
    server.get(route, (_req: Request, res: Response, next: Next) => {
      res.setHeader('Content-Type', file.type);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendRaw(200, file.body);
      next();
    });
  }

  /** The IT staff member behind the request, or undefined once refused. */
  const signedIn = async (req: Request, res: Response): Promise<string | undefined> => {
    const result = await signIn.verify(req.headers.authorization);
    if (!result.ok) {
      log.info({ reason: result.reason, path: req.path() }, 'it tab: request refused (sign-in)');
      if (result.reason === 'keysUnavailable')
        refuse(res, 503, 'ServiceUnavailable', 'Sign-in cannot be checked just now. Try again in a minute.');
      else refuse(res, 401, 'Unauthorized', 'Open this tab in Teams to sign in.');
      return undefined;
    }
    let member: boolean;
    try {
      member = await staff.isItStaff(result.userId);
    } catch (error) {
      log.warn(
        { userId: result.userId, err: { name: (error as Error).name } },
        'it tab: membership check failed',
      );
      refuse(res, 503, 'ServiceUnavailable', 'The directory did not answer. Try again in a minute.');
      return undefined;
    }
    if (!member) {
      log.info({ userId: result.userId, path: req.path() }, 'it tab: request refused (not IT staff)');
      refuse(res, 403, 'Forbidden', 'This tab is for the IT staff group only.');
      return undefined;
    }
    return result.userId;
  };

  /** Runs `answer` for IT staff only; a failure to count is a 503 with no data. */
  const dataRoute =
    (answer: (req: Request, res: Response, userId: string) => Promise<void>) =>
    (req: Request, res: Response, next: Next) => {
      (async () => {
        const userId = await signedIn(req, res);
        if (!userId) return;
        res.setHeader('Cache-Control', 'no-store');
        await answer(req, res, userId);
      })().then(
        () => next(),
        (error: unknown) => {
          log.warn({ err: { name: (error as Error).name } }, 'it tab: figures could not be counted');
          if (!res.headersSent)
            refuse(
              res,
              503,
              'ServiceUnavailable',
              'The figures could not be counted. Try again in a minute.',
            );
          next();
        },
      );
    };

  server.get(
    '/api/it/progress',
    dataRoute(async (_req, res, userId) => {
      // The trend is storage's; today's figures are not: a storage fault costs the trend, not the figures.
      const [view, trend] = await Promise.all([
        progress.view(),
        progress.trend().catch((error: unknown) => {
          log.warn({ err: { name: (error as Error).name } }, 'it tab: the trend could not be read');
          return { reminderDays: [], days: [] };
        }),
      ]);
      log.info({ userId }, 'it tab: progress shown');
      res.json({
        countedAt: view.countedAt,
        today: view.today,
        phoneEnds: view.phoneEnds ?? null,
        hasReport: view.hasReport,
        categories: PROGRESS_CATEGORIES.map((key) => ({ key, label: CATEGORY_WORDS[key] })),
        groups: view.groups.map((g) => ({
          id: g.id,
          name: g.name,
          kind: g.kind,
          counts: g.counts,
          percentComplete: percentComplete(g.counts),
          missing: (Object.entries(g.missing) as [ReasonCode, number][]).map(([code, count]) => ({
            code,
            label: MISSING_WORDS[code],
            count,
          })),
        })),
        trend: {
          reminderDays: trend.reminderDays,
          days: trend.days.map((d) => ({
            date: d.date,
            groups: d.groups.map(({ id, counts }) => ({ id, counts })),
          })),
        },
      });
    }),
  );

  /** The people of one group (the whole school by default), of one category or all. */
  const peopleOf = async (req: Request) => {
    const query = peopleQuery.safeParse(req.query ?? {});
    if (!query.success) return undefined;
    // What was done about each person: read once for this answer, kept for it only.
    const [view, followUp] = await Promise.all([progress.view(), campaign.followUps()]);
    const { group, category } = query.data;
    // The whole school's people are those its number counts, not everyone in any group.
    const listed = new Set(
      group === WHOLE_SCHOOL_ID ? wholeSchoolGroups(view.groups).map((g) => g.id) : [group],
    );
    const people = view.people.filter(
      (p) => p.groupIds.some((id) => listed.has(id)) && (!category || p.category === category),
    );
    const names = new Map(view.groups.map((g) => [g.id, g.name]));
    return {
      people,
      followUp: followUp ?? (() => NO_FOLLOW_UP),
      followUpsUnavailable: !followUp,
      groupName: (id: string) => names.get(id) ?? id,
      known: names.has(group),
    };
  };

  server.get(
    '/api/it/people',
    dataRoute(async (req, res, userId) => {
      const found = await peopleOf(req);
      if (!found?.known) return refuse(res, 400, 'BadRequest', 'No such group or category.');
      log.info({ userId, rows: found.people.length }, 'it tab: people listed');
      res.json({
        people: found.people.map((p) => ({
          name: p.name,
          yearGroup: p.yearGroup ?? '',
          category: p.category,
          progress: CATEGORY_WORDS[p.category],
          missing: p.missing.map((code) => MISSING_WORDS[code]),
          ...found.followUp(p.userId),
        })),
        // Each person's last nudge and escalations could not be read: those columns are empty, not "none".
        followUpsUnavailable: found.followUpsUnavailable,
      });
    }),
  );

  server.get(
    '/api/it/people.csv',
    dataRoute(async (req, res, userId) => {
      const found = await peopleOf(req);
      if (!found?.known) return refuse(res, 400, 'BadRequest', 'No such group or category.');
      log.info({ userId, rows: found.people.length }, 'it tab: people exported');
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="registration-progress.csv"');
      res.sendRaw(200, Buffer.from(peopleCsv(found.people, found.groupName, found.followUp), 'utf8'));
    }),
  );

  server.get(
    '/api/it/campaign',
    dataRoute(async (_req, res, userId) => {
      const figures = await campaign.figures();
      log.info({ userId }, 'it tab: campaign shown');
      res.json(figures);
    }),
  );

  // A POST (the button), never a GET: a link or a prefetch must not queue anything.
  server.post(
    '/api/it/campaign/resend',
    dataRoute(async (_req, res, userId) => {
      const queued = await campaign.resendFailures();
      if (queued === undefined) return refuse(res, 404, 'NotFound', 'No campaign is set up.');
      log.info({ userId, queued }, 'it tab: failed nudges queued again');
      res.json({ queued });
    }),
  );

  server.get(
    '/api/it/escalations',
    dataRoute(async (_req, res, userId) => {
      const open = await campaign.openEscalations();
      log.info({ userId, rows: open.escalations.length }, 'it tab: open escalations listed');
      res.json(open);
    }),
  );
}
