// Errors are recognised by a registry-wide symbol rather than by prototype, so that
// `instanceof` and the `isOkta*` guards still work when two copies of this package are
// loaded (ESM and CommonJS builds side by side, or two versions in one node_modules).
const BRAND = Symbol.for('okta-sessions.error.kinds');

/** The kinds (class names up the chain) an error was created as. */
export function kindsOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const kinds = (value as { [BRAND]?: unknown })[BRAND];
  return Array.isArray(kinds) ? (kinds as string[]) : undefined;
}

export function hasKind(value: unknown, kind: string): boolean {
  return kindsOf(value)?.includes(kind) === true;
}

export function brand(target: object, kinds: readonly string[]): void {
  Object.defineProperty(target, BRAND, { value: kinds, enumerable: false });
}
