import { operations, type OperationId } from '../generated/operations.js';

export { operations, type OperationId };

const byRoute = new Map<string, OperationId>();
for (const id of Object.keys(operations) as OperationId[]) {
  byRoute.set(`${operations[id].method} ${operations[id].path}`, id);
}

/** The operation a method and spec path template belong to (the raw client knows only those). */
export function operationForRoute(method: string, schemaPath: string): OperationId | undefined {
  return byRoute.get(`${method} ${schemaPath}`);
}
