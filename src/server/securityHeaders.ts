/**
 * Security headers on every response (helmet). Everything the bot serves is JSON except two static legal
 * pages, which need inline styles and nothing else. Nothing may frame either.
 *
 * A Teams tab page (if one is ever added) is shown inside Teams: it will need its own policy, with
 * `frame-ancestors` listing the Teams hosts (teams.microsoft.com, *.teams.microsoft.com, *.cloud.microsoft,
 * *.office.com, *.microsoft365.com…) and no `X-Frame-Options: DENY`.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'restify';

function headersAllowing(extra: Record<string, string[]>): RequestHandler {
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
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** JSON answers (the bot endpoint, health, errors): nothing may load or run. */
export const jsonSecurityHeaders = headersAllowing({});

/** The legal pages: their own inline styles, nothing else. */
export const pageSecurityHeaders = headersAllowing({ styleSrc: ["'unsafe-inline'"] });
