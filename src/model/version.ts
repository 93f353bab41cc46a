/**
 * The package version; test/package.test.ts keeps it equal to package.json's.
 *
 * @example
 * ```ts
 * console.log(`okta-sessions ${VERSION}`);
 * ```
 */
export const VERSION = '0.2.0';
