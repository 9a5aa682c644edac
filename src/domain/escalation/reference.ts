/**
 * Escalation references such as `MFA-7K2Q`: short enough to read out at a counter, from an alphabet with no
 * look-alikes (no 0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V), so a reference said aloud or copied by hand is exact.
 */

/** 23 characters that cannot be mistaken for one another, read or heard (23⁴ ≈ 280,000 references). */
export const REFERENCE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
const LENGTH = 4;
const PREFIX = 'MFA-';

/**
 * A reference from `random` bytes (at least 4). Rejection sampling keeps every character equally likely;
 * callers retry on the rare collision (the store keeps references unique).
 */
export function referenceFrom(random: Uint8Array): string {
  const limit = 256 - (256 % REFERENCE_ALPHABET.length);
  let out = '';
  for (const byte of random) {
    if (byte >= limit) continue;
    out += REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length];
    if (out.length === LENGTH) return PREFIX + out;
  }
  throw new Error('not enough random bytes for a reference');
}

/** The reference in `text` written the way people do ("mfa 7k2q", "MFA-7K2Q"), or undefined. */
export function parseReference(text: string): string | undefined {
  const match = new RegExp(`^mfa[-\\s]?([${REFERENCE_ALPHABET}]{${LENGTH}})$`, 'i').exec(text.trim());
  return match ? PREFIX + match[1]!.toUpperCase() : undefined;
}
