/** How the server says no before a request reaches a handler: a short JSON error, nothing echoed back. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, Response } from 'restify';

export interface Refusal {
  status: number;
  error: string;
  message: string;
}

/**
 * Answers `refusal`. With `closeConnection` (a body left unread) the connection ends once the answer is
 * out: otherwise Node would read and discard the rest of the body to reuse the connection, and a client
 * could keep streaming into it.
 */
export function refuse(
  req: Request,
  res: Response,
  refusal: Refusal,
  options: { closeConnection: boolean; headers?: Record<string, string> },
): void {
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  if (options.closeConnection) {
    res.setHeader('Connection', 'close');
    res.once('finish', () => req.socket.destroy());
  }
  res.json(refusal.status, { error: refusal.error, message: refusal.message });
}

/** True when the request says a body follows its headers. */
export function announcesBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
