// The faults that act on an answer the operation already produced (a delay, a reset instead of
// the answer, a cut body). Every writer of the emulator answers with one `writeHead(status,
// rawHeaders)` and one `end(body?)`, so holding those two calls on this one response is enough.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

type Head = [status: number, headers: string[]];
type Writers = {
  writeHead: (status: number, headers: string[]) => unknown;
  end: (body?: string | Buffer) => unknown;
};

function intercept(res: ServerResponse, onEnd: (head: Head, body: string, real: Writers) => void) {
  const real: Writers = {
    writeHead: res.writeHead.bind(res) as Writers['writeHead'],
    end: res.end.bind(res) as Writers['end'],
  };
  let head: Head = [200, []];
  const patched = res as unknown as Writers;
  patched.writeHead = (status, headers) => {
    head = [status, headers];
    return res;
  };
  patched.end = (body) => {
    onEnd(head, String(body ?? ''), real);
    return res;
  };
}

/** Resets the connection (TCP RST where Node can), so the client sees ECONNRESET. */
export function resetConnection(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}

/** Sends the answer `ms` late: before its headers, or after its headers and half its body. */
export function delayAnswer(res: ServerResponse, ms: number, phase: 'headers' | 'body'): void {
  intercept(res, (head, body, real) => {
    let timer: NodeJS.Timeout;
    // A client that gives up while the answer is held must not leave a timer behind.
    res.once('close', () => clearTimeout(timer));
    if (phase === 'headers') {
      timer = setTimeout(() => {
        real.writeHead(...head);
        real.end(body);
      }, ms);
      return;
    }
    const bytes = Buffer.from(body);
    const half = Math.floor(bytes.length / 2);
    real.writeHead(...head);
    res.flushHeaders();
    if (half > 0) res.write(bytes.subarray(0, half));
    timer = setTimeout(() => real.end(bytes.subarray(half)), ms);
  });
}

/** Drops the answer the operation produced and resets the connection instead. */
export function resetInsteadOfAnswer(res: ServerResponse): void {
  intercept(res, () => resetConnection(res.socket as Socket));
}

/** Keeps the answer's status and headers, and cuts its body in the middle (valid length). */
export function malformAnswer(res: ServerResponse): void {
  intercept(res, (head, body, real) => {
    if (body === '') {
      real.writeHead(...head);
      real.end();
      return;
    }
    const cut = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    const headers = [...head[1]];
    for (let i = 0; i < headers.length; i += 2)
      if (headers[i]?.toLowerCase() === 'content-length')
        headers[i + 1] = String(Buffer.byteLength(cut));
    real.writeHead(head[0], headers);
    real.end(cut);
  });
}
