/**
 * Security headers on every response (helmet). Everything the bot serves is JSON except two static legal
 * pages, which need inline styles and nothing else, and the IT tab (`/tab/…`). Nothing may frame the first two;
 * the tab is shown inside Teams, so only the Teams hosts may frame it, and it runs only its own scripts.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'restify';

function headersAllowing(extra: Record<string, string[]>, framedByTeams = false): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
        ...extra,
      },
    },
    // X-Frame-Options cannot name several hosts: frame-ancestors alone says who may frame the tab.
    xFrameOptions: framedByTeams ? false : { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** JSON answers (the bot endpoint, health, errors): nothing may load or run. */
export const jsonSecurityHeaders = headersAllowing({});

/** The legal pages: their own inline styles, nothing else. */
export const pageSecurityHeaders = headersAllowing({ styleSrc: ["'unsafe-inline'"] });

/** The hosts Teams shows a tab inside (web, desktop and the Microsoft 365 app). */
const TEAMS_HOSTS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://*.microsoft365.com',
  'https://outlook.office.com',
];

/** The IT tab: its own scripts, styles and data only; framed by Teams and nothing else. */
export const tabSecurityHeaders = headersAllowing(
  {
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    connectSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    frameAncestors: TEAMS_HOSTS,
  },
  true,
);
