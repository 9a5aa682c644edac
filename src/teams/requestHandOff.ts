/**
 * Tells a caller the moment its message to the Teams connector has been handed to the operating system.
 *
 * A campaign that crashes must know, for each send it had started, whether the request left the process: one
 * that left almost always lands (Teams does not care that our socket closed), one that did not must be sent
 * again. The connector client hides its HTTP request several promises deep (middleware, its own retry policy,
 * a socket still connecting), so "just before calling it" is too early: a crash in between loses the message.
 * Node publishes every outgoing request on a diagnostics channel as it is created, in the async context of
 * whoever created it; the request's `finish` event fires once its last bytes are with the operating system.
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
  request.once('finish', watch.handedOff);
}

/** A connector call: every Bot Connector API path starts so. */
export const connectorPath = (path: string): boolean => path.startsWith('/v3/conversations');

/**
 * Runs `work`; `handedOff` is called (at most once) when the first request it makes whose path `matches` has
 * been written out in full. A request that never connects never calls it.
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
