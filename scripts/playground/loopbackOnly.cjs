/**
 * Preload (`node -r`) for the Agents Playground, which has no host option and listens on every interface.
 * Forces every TCP listen in the process onto 127.0.0.1, so the Playground (a client that accepts
 * unauthenticated messages and drives an unauthenticated bot) is reachable from this machine only.
 */
'use strict';
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback]): replace or insert the host.
    if (typeof args[1] === 'string') args[1] = LOOPBACK;
    else args.splice(1, 0, LOOPBACK);
  } else if (first !== null && typeof first === 'object' && !('fd' in first) && !('_handle' in first)) {
    // listen(options[, callback]): a path (IPC socket) stays as it is; a port gets the loopback host.
    if (!('path' in first)) args[0] = { ...first, host: LOOPBACK };
  } else if (first === undefined || typeof first === 'function') {
    // listen([callback]): a random port, on loopback.
    args.unshift(0, LOOPBACK);
  }
  return original.apply(this, args);
};
