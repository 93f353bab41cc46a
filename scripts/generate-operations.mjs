#!/usr/bin/env node
// Writes generated/operations.ts: the per-operation facts the façade and the emulator need at
// run time (tag, method, path, security, statuses, date-time fields, the shape of success bodies),
// read from the spec so that nothing in src/ keeps a second hand-written copy of them.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deref, spec } from './spec.cjs';

const root = resolve(import.meta.dirname, '..');
const specPath = 'spec/okta-sessions.yaml';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** @type {Record<string, any>} */
const operations = {};
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of METHODS) {
    const op = item[method];
    if (!op) continue;
    const statuses = Object.keys(op.responses)
      .map(Number)
      .sort((a, b) => a - b);
    const success = statuses.filter((s) => s >= 200 && s < 300);
    if (success.length !== 1)
      throw new Error(`${op.operationId}: expected exactly one 2xx response`);
    const security = (op.security ?? spec.security ?? []).map((/** @type {object} */ req) => ({
      ...req,
    }));
    if (op.tags?.length !== 1) throw new Error(`${op.operationId}: expected exactly one tag`);
    operations[op.operationId] = {
      tag: op.tags[0],
      method: method.toUpperCase(),
      path,
      security,
      successStatus: success[0],
      statuses,
    };
  }
}

const routes = Object.fromEntries(
  Object.entries(operations).map(([id, op]) => [
    id,
    { method: op.method, path: op.path, security: op.security },
  ]),
);

/** @type {Record<string, object>} */
const securitySchemes = {};
for (const [name, scheme] of Object.entries(spec.components.securitySchemes)) {
  securitySchemes[name] =
    scheme.type === 'apiKey'
      ? { type: scheme.type, in: scheme.in, name: scheme.name }
      : { type: scheme.type };
}

// Schemas whose properties carry `format: date-time`, so the façade can turn them into Dates.
/** @type {Record<string, string[]>} */
const dateTimeFields = {};
for (const [name, schema] of Object.entries(spec.components.schemas)) {
  const fields = Object.entries(schema.properties ?? {})
    .filter(([, prop]) => deref(prop).format === 'date-time')
    .map(([key]) => key);
  if (fields.length) dateTimeFields[name] = fields;
}

// Properties whose values are open enums (`x-extensible-enum`, directly or on array items):
// Okta may send values the spec does not list. The emulator's unknown-values mode uses them.
/** @type {Record<string, string[]>} */
const openEnumFields = {};
for (const [name, schema] of Object.entries(spec.components.schemas)) {
  const fields = Object.entries(schema.properties ?? {})
    .filter(([, prop]) => {
      const resolved = deref(prop);
      return Boolean(resolved['x-extensible-enum'] ?? deref(resolved.items)?.['x-extensible-enum']);
    })
    .map(([key]) => key);
  if (fields.length) openEnumFields[name] = fields;
}

// What the façade checks in a success body before it trusts it (src/model/session.ts walks it), for
// each schema a 2xx response returns: an object is a map from property name to type, with a
// `?` after the names the schema does not require; a type is `string`, `boolean` or `number`
// (compared with `typeof`), `date-time` (an RFC 3339 string, made a Date), either with `|null`
// when the spec allows null, `[item]` for an array, or an object. Enums are open
// (`x-extensible-enum`): they are plain strings and their values are not listed.
// Objects of the schemas below are checked as objects, their properties left undescribed: the
// checker runs in the /me page's bundle, whose 5 kB budget the links' description (44 bytes
// min+gz) would break, and nothing in the client reads links.
const UNDESCRIBED = new Set(['SessionLinks']);
const PRIMITIVES = ['string', 'boolean', 'number'];
/** @type {(node: any, where: string, within: string[]) => unknown} */
function typeOf(node, where, within) {
  const schema = deref(node);
  const unsupported = ['oneOf', 'anyOf', 'allOf', 'not', 'additionalProperties', 'enum'].filter(
    (key) => key in schema,
  );
  if (unsupported.length) throw new Error(`${where}: ${unsupported.join(', ')} is not described`);
  const nullable = schema.nullable === true ? '|null' : '';
  if (schema.type === 'string')
    return (schema.format === 'date-time' ? 'date-time' : 'string') + nullable;
  if (PRIMITIVES.includes(schema.type)) return schema.type + nullable;
  if (nullable) throw new Error(`${where}: a nullable ${schema.type} is not described`);
  if (schema.type === 'array') return [typeOf(schema.items, `${where}[]`, within)];
  if (schema.type !== 'object') throw new Error(`${where}: type ${schema.type} is not described`);
  const name = node.$ref?.replace('#/components/schemas/', '');
  if (UNDESCRIBED.has(name)) return {};
  if (within.includes(name)) throw new Error(`${where}: a recursive schema is not described`);
  const required = schema.required ?? [];
  const properties = schema.properties ?? {};
  for (const key of required)
    if (!(key in properties)) throw new Error(`${where}: required ${key} has no schema`);
  /** @type {Record<string, unknown>} */
  const described = {};
  for (const [key, property] of Object.entries(properties)) {
    // The checker reads `key in value` and strips the `?`: a name Object.prototype has, or one
    // with a `?` of its own, would read wrong.
    if (key in Object.prototype || key.includes('?'))
      throw new Error(`${where}.${key}: the name is not described`);
    described[required.includes(key) ? key : `${key}?`] = typeOf(property, `${where}.${key}`, [
      ...within,
      name,
    ]);
  }
  return described;
}
/** @type {Record<string, unknown>} */
const responseShapes = {};
for (const item of Object.values(spec.paths)) {
  for (const method of METHODS) {
    for (const [status, response] of Object.entries(item[method]?.responses ?? {})) {
      const schema = deref(response).content?.['application/json']?.schema;
      if (Number(status) >= 300 || !schema) continue;
      const name = schema.$ref?.replace('#/components/schemas/', '');
      if (!name) throw new Error(`${item[method].operationId} ${status}: name the body's schema`);
      responseShapes[name] ??= typeOf(schema, name, []);
    }
  }
}

const json = (/** @type {unknown} */ value) => JSON.stringify(value, null, 2);
const out = `/**
 * This file was generated by scripts/generate-operations.mjs from ${specPath}.
 * Do not make direct changes to the file: edit the spec and run \`npm run generate\`.
 */

/** Every operation of the spec, keyed by operationId, in spec order. */
export const operations = ${json(operations)} as const;

${Object.entries(routes)
  .map(
    ([id, route]) =>
      `/** What a client needs at run time to call ${id}. */\nexport const ${id}Route = ${json(route)} as const;\n`,
  )
  .join('\n')}
/**
 * Only what a client needs at run time (method, path, security), so that
 * browser bundles of the client do not carry the statuses and flags the emulator uses. Each
 * route is also exported on its own: a page that calls a few operations carries only theirs.
 */
export const routes = {
${Object.keys(routes)
  .map((id) => `  ${id}: ${id}Route,`)
  .join('\n')}
} as const;

/**
 * An operationId of the spec: the name of one of the client's methods.
 *
 * @example
 * \`\`\`ts
 * const retried: OperationId[] = [];
 * const okta = new OktaSessions({ orgUrl, apiToken, onRetry: (info) => retried.push(info.operationId) });
 * \`\`\`
 */
export type OperationId = keyof typeof operations;

/** The security schemes the spec defines. */
export const securitySchemes = ${json(securitySchemes)} as const;

/** The name of a security scheme of the spec. */
export type SecuritySchemeName = keyof typeof securitySchemes;

/** For each schema, the properties the spec marks \`format: date-time\`. */
export const dateTimeFields = ${json(dateTimeFields)} as const;

/** For each schema, the properties whose values are open enums (\`x-extensible-enum\`). */
export const openEnumFields = ${json(openEnumFields)} as const;

${Object.entries(responseShapes)
  .map(
    ([name, shape]) => `/**
 * What a ${name} body must be, for src/model/session.ts to check: a property name without \`?\` is
 * required; a type is \`string\`, \`boolean\`, \`number\` or \`date-time\` (with \`|null\` when null is
 * allowed), \`[item]\` for an array, or an object; \`{}\` is an object left undescribed.
 * Open enums are plain strings.
 */
export const ${name.charAt(0).toLowerCase()}${name.slice(1)}Shape = ${json(shape)} as const;
`,
  )
  .join('\n')}`;
writeFileSync(resolve(root, 'generated/operations.ts'), out);
console.log(`generated/operations.ts: ${Object.keys(operations).length} operations`);
