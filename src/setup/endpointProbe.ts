/**
 * The setup check's look at the bot's endpoint from outside: `GET /healthz`, and a `POST /api/messages` with no
 * token (a typing activity from no tenant: even if it were let in, the bot would store and answer nothing).
 */
import { healthCheck, inboundAuthCheck, type HttpAnswer } from '../domain/setup/endpointChecks';
import type { CheckLine } from '../domain/setup/checkLine';

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return { kind: 'answer', status: response.status };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `nothing within ${Math.round(timeoutMs / 1000)} s`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { kind: 'noAnswer', reason };
  }
}

export async function checkEndpoint(base: string, setting: string, timeoutMs: number): Promise<CheckLine[]> {
  const [health, messages] = await Promise.all([
    request(`${base}/healthz`, { method: 'GET' }, timeoutMs),
    request(
      `${base}/api/messages`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'typing', channelId: 'msteams' }),
      },
      timeoutMs,
    ),
  ]);
  return [healthCheck(base, setting, health), inboundAuthCheck(base, setting, messages)];
}
