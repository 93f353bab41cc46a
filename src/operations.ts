import { routes, type OperationId } from '../generated/operations.js';

export { routes, type OperationId };

const byRoute = new Map<string, OperationId>();
for (const id of Object.keys(routes) as OperationId[]) {
  byRoute.set(`${routes[id].method} ${routes[id].path}`, id);
}

/** The operation a method and spec path template belong to (the raw client knows only those). */
export function operationForRoute(method: string, schemaPath: string): OperationId | undefined {
  return byRoute.get(`${method} ${schemaPath}`);
}
