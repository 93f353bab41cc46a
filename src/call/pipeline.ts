// A call from start to end: its attempts (attempt.ts) under the one retry policy (retry.ts).
// Every request of the façade and of the /me functions comes through `send`; a service app's
// token requests come through the same `attempt`, their failures on the calls' budget.
import { attempt, type Call, type Parse, type Wire } from './attempt.js';
import { withRetries, type RetryPolicy } from './retry.js';

/** A client's wire and its retry settings. */
export type Pipeline = Wire & RetryPolicy;

/**
 * Runs a call: attempts until one succeeds or the retry policy gives up. `repeatable`: may a
 * request that might have reached Okta be sent again (not for a single-use session token)?
 */
export function send<T>(
  pipeline: Pipeline,
  call: Call,
  parse: Parse<T>,
  repeatable: boolean,
): Promise<T> {
  return withRetries(pipeline, call, repeatable, (retryHeaders, tried) =>
    attempt(pipeline, call, parse, retryHeaders, tried),
  );
}

/**
 * {@link send} under the client's observer: the whole call in its OpenTelemetry span. The /me
 * functions use `send` itself, so their page carries none of this.
 */
export function observedSend<T>(
  pipeline: Pipeline,
  call: Call,
  parse: Parse<T>,
  repeatable: boolean,
): Promise<T> {
  const around = pipeline.observer?.around;
  const run = () => send(pipeline, call, parse, repeatable);
  return around ? around(call, run) : run();
}
