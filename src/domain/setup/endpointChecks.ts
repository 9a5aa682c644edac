/**
 * The bot's public endpoint, seen from outside: `/healthz` answers, and `/api/messages` turns away a request
 * that carries no Bot Framework token (inbound authentication is on).
 */
import { fail, ok, warn, type CheckLine } from './checkLine';

/** Where the endpoint is, and which setting said so. */
export type EndpointTarget =
  { kind: 'none' } | { kind: 'url'; base: string; setting: string } | { kind: 'invalid'; problem: string };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The base address from `--endpoint` (an https URL; http only on this machine) or else BOT_DOMAIN (a host
 * name, as the Teams/Agents Toolkit writes it, e.g. `mfa-buddy.azurewebsites.net`).
 */
export function endpointTarget(flag: string | undefined, botDomain: string | undefined): EndpointTarget {
  const given = flag ?? (botDomain?.trim() ? botDomain.trim() : undefined);
  if (!given) return { kind: 'none' };
  const setting = flag ? '--endpoint' : 'BOT_DOMAIN';
  const text = flag || /^[a-z]+:\/\//i.test(given) ? given : `https://${given}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      kind: 'invalid',
      problem: `${setting} "${given}" is not an address such as https://bot.example.org`,
    };
  }
  const plainOk = url.protocol === 'http:' && LOOPBACK.test(url.hostname);
  if (url.protocol !== 'https:' && !plainOk) {
    return { kind: 'invalid', problem: `${setting} must be an https:// address (got "${given}")` };
  }
  return { kind: 'url', base: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, setting };
}

/** What an HTTP request got: a status, or no answer at all (and why). */
export type HttpAnswer = { kind: 'answer'; status: number } | { kind: 'noAnswer'; reason: string };

function unreachable(url: string, reason: string, setting: string): CheckLine {
  return fail(
    `${url}: no answer (${reason})`,
    `Check ${setting} and that the App Service is running (deployed, started, and its log stream shows "listening").`,
  );
}

/** Printed when no address was given. */
export function endpointNotChecked(): CheckLine {
  return warn(
    'Bot endpoint: not checked (no BOT_DOMAIN)',
    'Set BOT_DOMAIN to the bot’s host name or pass --endpoint https://<host> to check /healthz and inbound authentication.',
  );
}

/** `GET /healthz`: 200 means the process is up and serving. */
export function healthCheck(base: string, setting: string, answer: HttpAnswer): CheckLine {
  const url = `${base}/healthz`;
  if (answer.kind === 'noAnswer') return unreachable(url, answer.reason, setting);
  if (answer.status === 200) return ok(`${url}: answers 200`);
  return fail(
    `${url}: answered ${answer.status}, not 200`,
    'Open the App Service’s log stream: the bot logs why it did not start (a configuration error names the setting).',
  );
}

/** An unauthenticated `POST /api/messages`: 401 means inbound Bot Framework authentication is on. */
export function inboundAuthCheck(base: string, setting: string, answer: HttpAnswer): CheckLine {
  const url = `${base}/api/messages`;
  if (answer.kind === 'noAnswer') return unreachable(url, answer.reason, setting);
  if (answer.status === 401)
    return ok(`${url}: refuses a request without a token (401), inbound authentication is on`);
  if (answer.status >= 200 && answer.status < 300) {
    return fail(
      `${url}: answered ${answer.status} to a request without a token, so inbound authentication is off and anyone can act as any user`,
      'Set BOT_ID, BOT_PASSWORD and BOT_TENANT_ID in the App Service’s settings (or redeploy with the toolkit, which sets them) and restart it.',
    );
  }
  return fail(
    `${url}: answered ${answer.status}, not the 401 a request without a token should get`,
    `Check that ${setting} is this bot's address (the Azure Bot's messaging endpoint) and that the bot is running.`,
  );
}
