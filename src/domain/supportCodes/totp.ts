/**
 * Support codes: RFC 6238 TOTP (6 digits, 30-second steps, SHA-1, as authenticator apps use) through otplib.
 * No I/O and no clock of its own: the time comes in as `nowMs`. Verification accepts one step either side
 * (a code read out just as it changes still works) and refuses any step at or before `afterTimeStep`, the
 * last one accepted for this user, so a code overheard and repeated within its window is refused.
 */
import { generate, verify } from 'otplib';

export const SUPPORT_CODE_PERIOD_SECONDS = 30;
/** One period either side: otplib checks [now − 30 s, now + 30 s], i.e. the previous, current and next step. */
const TOLERANCE_SECONDS = SUPPORT_CODE_PERIOD_SECONDS;

/** The code a user sees now, and how many seconds it has left. */
export async function currentSupportCode(
  secret: Uint8Array,
  nowMs: number,
): Promise<{ code: string; secondsLeft: number }> {
  const epoch = Math.floor(nowMs / 1000);
  const code = await generate({ secret, epoch, period: SUPPORT_CODE_PERIOD_SECONDS });
  return { code, secondsLeft: SUPPORT_CODE_PERIOD_SECONDS - (epoch % SUPPORT_CODE_PERIOD_SECONDS) };
}

export type CodeCheck =
  | { valid: true; timeStep: number }
  /** `replay`: the code is right but its step was already used (or is older than one used). */
  | { valid: false; reason: 'wrong' | 'replay' | 'malformed' };

/** The time step (RFC 6238 counter) at `nowMs`. */
export function timeStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / SUPPORT_CODE_PERIOD_SECONDS);
}

/** Checks `code` against `secret` at `nowMs`, refusing steps at or before `afterTimeStep`. */
export async function checkSupportCode(
  secret: Uint8Array,
  code: string,
  nowMs: number,
  afterTimeStep?: number,
): Promise<CodeCheck> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return { valid: false, reason: 'malformed' };
  const epoch = Math.floor(nowMs / 1000);
  const result = await verify({
    secret,
    token,
    epoch,
    period: SUPPORT_CODE_PERIOD_SECONDS,
    epochTolerance: TOLERANCE_SECONDS,
  });
  if (!result.valid) return { valid: false, reason: 'wrong' };
  // Checked here rather than through otplib's afterTimeStep, to tell a replay from a wrong code.
  const step = (result as { timeStep: number }).timeStep;
  if (afterTimeStep !== undefined && step <= afterTimeStep) return { valid: false, reason: 'replay' };
  return { valid: true, timeStep: step };
}
