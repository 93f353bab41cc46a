// Reads response bodies with a size bound whatever the transport: our light Node response or
// a WHATWG Response from a user-supplied fetch. A hostile or broken server cannot make the
// client buffer without limit.
import { BodyTooLargeError } from './platform/body-limit.js';

interface Bounded {
  readText(limit: number, overflow: 'truncate' | 'throw'): Promise<string>;
}

function isBounded(response: object): response is Bounded {
  return typeof (response as Partial<Bounded>).readText === 'function';
}

export async function readText(
  response: Response,
  limit: number,
  overflow: 'truncate' | 'throw',
): Promise<string> {
  if (isBounded(response)) return response.readText(limit, overflow);
  const stream = response.body;
  if (!stream) return '';
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      text += decoder.decode(value.subarray(0, value.byteLength - (size - limit)));
      await reader.cancel().catch(() => undefined);
      if (overflow === 'throw') throw new BodyTooLargeError(limit);
      return text;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
