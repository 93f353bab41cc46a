// The package's public surface: explicit named exports only.
/**
 * The client ({@link OktaSessions}), its options, the {@link Session} type and the error classes.
 * The README and `docs/` of the repository have the guides.
 *
 * @packageDocumentation
 * @module okta-sessions
 */
export { OktaSessions } from './client.js';
export type {
  CallOptions,
  CreateSessionArgs,
  CurrentSessionArgs,
  RevokeUserSessionsArgs,
} from './client.js';
export type {
  OktaSessionsOptions,
  AccessTokenSource,
  PrivateKeySource,
  PrivateKeySigner,
  KeyObjectLike,
  ProxyEnv,
} from './config/options.js';
export type { ConfigSources } from './config/file.js';
export type { RetryOptions, RetryInfo, ThrottleOptions } from './config/options.js';
export type {
  OktaWarning,
  OktaLogger,
  OktaLogLevel,
  OktaTelemetryOptions,
} from './config/options.js';
export type {
  OktaCallEvent,
  OktaRetryEvent,
  OktaRateLimitSnapshot,
  OktaEventMap,
  OktaEventName,
} from './call/events.js';
export type { OktaRateLimitStatus } from './call/rate-limits.js';
export type { Session, Open } from './model/session.js';
export type { OperationId } from './model/operations.js';
export { memoryRateLimitStore } from './rate-limit/memory.js';
export type {
  RateLimitStore,
  RateLimitBucket,
  RateLimitGroup,
  RateLimitRequest,
  RateLimitReservation,
  RateLimitSlot,
  RateLimitRefusal,
} from './rate-limit/store.js';
export type { RateLimitState } from './rate-limit/headers.js';
export { OktaError, isOktaError } from './errors/okta-error.js';
export { OktaApiError, isOktaApiError } from './errors/api-error.js';
export type { OktaErrorCause } from './errors/api-error.js';
export {
  OktaBadRequestError,
  OktaAuthenticationError,
  OktaForbiddenError,
  OktaNotFoundError,
  OktaServerError,
} from './errors/status-errors.js';
export { OktaRateLimitError } from './errors/rate-limit-error.js';
export { OktaThrottleError, isOktaThrottleError } from './errors/throttle-error.js';
export type { OktaThrottleErrorInit } from './errors/throttle-error.js';
export { OktaOAuthError } from './errors/oauth-error.js';
export { OktaNetworkError } from './errors/network-error.js';
export { OktaTimeoutError } from './errors/timeout-error.js';
export { OktaInvalidResponseError } from './errors/invalid-response-error.js';
export { OktaValidationError } from './errors/validation-error.js';
export { OktaConfigError } from './errors/config-error.js';
export { VERSION } from './model/version.js';
