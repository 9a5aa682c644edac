/**
 * Tells a caller the moment the HTTP request carrying its message to the Teams connector has been handed over.
 *
 * A campaign that crashes must know, for each send it had started, whether the request may have left the
 * process: one that left almost always lands (Teams does not care that our socket closed), one that never
 * existed must be sent again. The connector client makes its request several promises deep (middleware, its
 * own retry policy), so "just before calling the client" is too early: a crash in between lost a message.
 * Node publishes each outgoing request on the `http.client.request.start` diagnostics channel in the async
 * context of whoever made it. On Node 20 that happens in the request's `_finish`, once its last bytes have been
 * handed to the socket (newer Node also publishes a `created` event earlier): so a crash between the hand-over
 * and the caller's note sends that message twice. That gap is small and known; the worker's comment names it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

interface Watch {
  /** Which requests count (the connector's, not a token request made on the way). */
  matches: (path: string) => boolean;
  handedOff: () => void;
}

const watches = new AsyncLocalStorage<Watch>();
let subscribed = false;

function onRequestCreated(message: unknown): void {
  const watch = watches.getStore();
  if (!watch) return;
  const request = (message as { request: ClientRequest }).request;
  if (!watch.matches(request.path)) return;
  watch.handedOff();
}

/** A connector call: every Bot Connector API path starts so. */
export const connectorPath = (path: string): boolean => path.startsWith('/v3/conversations');

/**
 * Runs `work`; `handedOff` is called (at most once) when the first request `work` makes whose path `matches`
 * has been handed over. A send refused before any request (a send hook, no conversation) never calls it.
 */
export function watchRequestHandOff<T>(
  matches: (path: string) => boolean,
  handedOff: () => void,
  work: () => Promise<T>,
): Promise<T> {
  if (!subscribed) {
    diagnostics.subscribe('http.client.request.start', onRequestCreated);
    subscribed = true;
  }
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    handedOff();
  };
  return watches.run({ matches, handedOff: once }, work);
}
