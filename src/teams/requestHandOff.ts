/**
 * Tells a caller the moment the HTTP request carrying its message to the Teams connector is created.
 *
 * A campaign that crashes must know, for each send it had started, whether the request may have left the
 * process: one that left almost always lands (Teams does not care that our socket closed), one that never
 * existed must be sent again. The connector client makes its request several promises deep (middleware, its
 * own retry policy), so "just before calling the client" is too early: a crash in between lost a message. Its
 * `finish` event (bytes with the operating system) is too late: a crash between the bytes leaving and the
 * caller noting it sent a message twice, and a test that kills the worker as a request arrives hits exactly
 * that. Node publishes every outgoing request on a diagnostics channel synchronously as it is created, in the
 * async context of whoever created it, before a socket is assigned and before any byte is written: a
 * synchronous note there (SQLite) is stored before the request can leave. What remains is a crash between the
 * request's creation and its bytes leaving (a connection still being made): that message is lost.
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
 * Runs `work`; `handedOff` is called (at most once), synchronously, when `work` creates its first request whose
 * path `matches`. A send refused before any request (a send hook, no conversation) never calls it.
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
