/** A Session is about 1 kB; a success body near this size is not a Session. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown when a body is larger than the caller allowed; the connection is dropped, not drained. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}
