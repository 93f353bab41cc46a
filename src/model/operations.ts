import { routes, type OperationId } from '../../generated/operations.js';

export { routes, type OperationId };

/** A service app's token request, by the name `onRetry` reports it under. */
export const TOKEN_OPERATION = 'getAccessToken';

/** The token endpoint of the org authorization server (never a custom one). */
export const TOKEN_ROUTE = { method: 'POST', path: '/oauth2/v1/token' } as const;

/** What the pipeline sends: one of the spec's operations, or a service app's token request. */
export type RouteId = OperationId | typeof TOKEN_OPERATION;

/**
 * The path of a request: the spec's template with each `{name}` percent-encoded from `params`
 * (a missing one stays as the template has it). The one path filler, for requests and error
 * URLs; session ids are validated first, so `.`/`..` never reach it.
 */
export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  let open = template.indexOf('{');
  if (open === -1 || !params) return template;
  let out = '';
  let done = 0;
  while (open !== -1) {
    const close = template.indexOf('}', open);
    const value = params[template.slice(open + 1, close)];
    out += template.slice(done, open);
    out +=
      value === undefined || value === null
        ? template.slice(open, close + 1)
        : encodeURIComponent(String(value));
    done = close + 1;
    open = template.indexOf('{', done);
  }
  return out + template.slice(done);
}
