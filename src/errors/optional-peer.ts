// jose and yaml are optional peer dependencies, as ioredis is: only private-key auth and okta.yaml
// files need them, so installs that use neither do not carry them. When a feature needs one that
// is not installed, the error says what to install, and nothing else (no stack, no paths).
import { OktaConfigError } from './config-error.js';

/** True when `error` says that the package `name` itself is not installed. */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  // ESM: "Cannot find package 'jose' imported from …"; CommonJS and bundlers: "Cannot find module 'jose'".
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}

/** The error for `feature` when its optional dependency `name` is not installed. */
export function missingPeer(feature: string, name: string): OktaConfigError {
  return new OktaConfigError(
    `${feature} needs the optional dependency ${name}: npm install ${name}`,
  );
}
