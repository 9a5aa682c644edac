/**
 * The Temporary Access Pass issuer of the demo mode (no Graph credentials): a random pass shaped like
 * Microsoft's (8 characters), made here and sent nowhere, so the desk's flow can be tried offline. It signs
 * nobody in; the log says so loudly (without the pass).
 */
import crypto from 'node:crypto';
import type { Logger } from '../../logging/logger';
import type { Clock } from '../../ports/clock';
import {
  passExpiry,
  type PassOutcome,
  type PassRequest,
  type TemporaryAccessPassIssuer,
} from '../../ports/temporaryAccessPasses';

/** Letters, digits and a few symbols, without the look-alikes (0/O, 1/l/I) a desk member would misread aloud. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+*#%?!';
const LENGTH = 8;

/** A pass of `LENGTH` characters from `ALPHABET`, from the operating system's random source. */
export function demoPass(): string {
  return Array.from({ length: LENGTH }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('');
}

export class DemoTemporaryAccessPasses implements TemporaryAccessPassIssuer {
  readonly kind = 'demo' as const;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  issue(userId: string, request: PassRequest): Promise<PassOutcome> {
    const startsAt = this.clock.now().toISOString();
    this.log.warn(
      { userId, issuer: 'demo' },
      '*** DEMO *** a made-up Temporary Access Pass: Microsoft was not asked, and it signs nobody in',
    );
    return Promise.resolve({
      kind: 'issued',
      pass: demoPass(),
      startsAt,
      expiresAt: passExpiry(startsAt, request.lifetimeMinutes),
      usableOnce: request.usableOnce,
    });
  }
}
