/**
 * HTTP at the socket level, for what fetch cannot do: choose the client's address (any 127.x.y.z is this
 * machine), stream a body as fast as the server takes it, and watch from inside the process what a server
 * read and held while answering.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import net from 'node:net';

export interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection from `localAddress` (default 127.0.0.1). */
export function send(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    localAddress?: string;
  },
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface StreamedUpload {
  /** Status code of the answer, 0 if none arrived. */
  status: number;
  /** Everything the server sent back, headers included. */
  response: string;
}

/**
 * POSTs `totalBytes` of `{"text":"aaaa…` to `path`, as fast as the server takes it, chunked or with a
 * Content-Length, and resolves once the connection is closed (by the server: the client never closes).
 */
export function streamUpload(
  port: number,
  options: { path: string; totalBytes: number; chunked: boolean; method?: string },
): Promise<StreamedUpload> {
  const socket = net.connect({ host: '127.0.0.1', port });
  let response = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  // EPIPE/ECONNRESET once the server has closed: expected, the close is what the test looks at.
  socket.on('error', () => undefined);
  const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void gone.then(() => (closed = true));

  const head = [
    `${options.method ?? 'POST'} ${options.path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/json',
    options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${options.totalBytes}`,
    '',
    '',
  ].join('\r\n');
  const piece = Buffer.alloc(64 * 1024, 'a');
  const first = Buffer.from(piece);
  first.write('{"text":"');

  const upload = async () => {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(head);
    let sent = 0;
    while (sent < options.totalBytes && !closed) {
      const data = (sent === 0 ? first : piece).subarray(
        0,
        Math.min(piece.length, options.totalBytes - sent),
      );
      sent += data.length;
      const framed = options.chunked
        ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
        : data;
      if (!socket.write(framed))
        await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), gone]);
    }
    if (options.chunked && !closed) socket.write('0\r\n\r\n');
  };

  return upload().then(async () => {
    await gone;
    const status = /^HTTP\/1\.1 (\d{3})/.exec(response);
    return { status: status ? Number(status[1]) : 0, response };
  });
}

export interface ServerAnswer {
  status: number;
  /** The process's memory when the server had finished answering (the request still in scope). */
  memory: NodeJS.MemoryUsage;
  /** Bytes the server read from the client's connection, counted once it closed. */
  bytesRead: Promise<number>;
}

/**
 * Records, for every answer an HTTP server in this process finishes, its status, the memory at that moment
 * and how much the server read from that connection. Call `stop()` afterwards.
 */
export function watchServerAnswers(): { answers: ServerAnswer[]; stop(): void } {
  const answers: ServerAnswer[] = [];
  const onFinish = (message: unknown) => {
    const { response, socket } = message as { response: http.ServerResponse; socket: net.Socket };
    answers.push({
      status: response.statusCode,
      memory: process.memoryUsage(),
      bytesRead: socket.closed
        ? Promise.resolve(socket.bytesRead)
        : new Promise((resolve) => socket.once('close', () => resolve(socket.bytesRead))),
    });
  };
  diagnostics.subscribe('http.server.response.finish', onFinish);
  return { answers, stop: () => diagnostics.unsubscribe('http.server.response.finish', onFinish) };
}
