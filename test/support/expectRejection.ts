/** Asserting that a promise fails, and how, in one line: a promise that resolves fails the test. */
import { inspect } from 'node:util';
import { expect } from 'chai';

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** How the rejection must look: its exact message, a pattern its message matches, or its class. */
export type RejectionMatcher<E> = string | RegExp | ErrorClass<E>;

/** Awaits `promise`, fails if it resolves or its error does not match `matcher`; returns the error. */
export async function expectRejection<E extends Error = Error>(
  promise: Promise<unknown>,
  matcher: RejectionMatcher<E>,
): Promise<E> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) expect.fail(`expected a rejection, but it resolved with ${inspect(outcome.value)}`);
  const { error } = outcome;
  if (typeof matcher === 'string') {
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.equal(matcher);
  } else if (matcher instanceof RegExp) {
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(matcher);
  } else {
    expect(error, String(error)).to.be.instanceOf(matcher);
  }
  return error as E;
}
