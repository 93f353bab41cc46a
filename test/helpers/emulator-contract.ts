// Reads a spec (spec/okta-sessions.yaml; for the emulator's own endpoints spec/okta-authn.yaml
// and spec/okta-emulator-admin.yaml) and checks responses against it: status declared for the
// operation, required headers present and well-typed, body valid against the schema (ajv with
// ajv-formats, $refs resolved inside the spec's own component schemas).
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { loadSpec } from '../../scripts/spec.cjs';
import type { Reply } from './emulator-http.js';

type Json = any;

/** One operation as the spec declares it. */
export interface SpecOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly responses: Record<string, Json>;
}

/** The checks for one spec file. */
export interface SpecContract {
  /** Follows `$ref`s (local JSON pointers) until a non-reference node. */
  deref(node: Json): Json;
  /** Every operation of the spec, keyed by operationId. */
  readonly specOperations: Record<string, SpecOperation>;
  /** The headers the spec's components declare as required (those on every response). */
  readonly requiredComponentHeaders: readonly string[];
  /** Problems of `reply` as an answer of `operationId` (empty when it conforms). */
  contractProblems(operationId: string, reply: Reply): string[];
  /** Problems of `reply` against one (dereferenced) response object of the spec. */
  responseProblems(response: Json, reply: Reply): string[];
  /** The spec's error response schema, for answers that belong to no operation (404/405). */
  errorBodyProblems(reply: Reply): string[];
}

/** Loads `spec/<file>` and builds its checks. */
export function specContract(file: string): SpecContract {
  const { spec, deref } = loadSpec(file);

  const schemaId = `https://okta-sessions.test/spec-schemas/${file}`;
  const ajv = new Ajv({ allErrors: true, strict: true });
  // ajv-formats is CommonJS: its default export is the module, whose `default` is the plugin.
  ajvFormats.default(ajv);
  // Open enums (clients must accept new values) are still closed for the emulator: it may only
  // send the values the spec lists.
  ajv.addKeyword({
    keyword: 'x-extensible-enum',
    type: 'string',
    schemaType: 'array',
    validate: (values: readonly string[], data: string) => values.includes(data),
    errors: false,
  });
  // The component schemas, as one JSON Schema document whose $refs point at its own definitions.
  ajv.addSchema(
    JSON.parse(
      JSON.stringify({ $id: schemaId, definitions: spec.components.schemas }).replace(
        /"#\/components\/schemas\//g,
        '"#/definitions/',
      ),
    ),
  );

  const validators = new Map<string, ValidateFunction>();
  function validatorFor(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    const known = validators.get(key);
    if (known !== undefined) return known;
    const rewritten = JSON.parse(
      key.replace(/"#\/components\/schemas\//g, `"${schemaId}#/definitions/`),
    );
    const validate = ajv.compile(rewritten);
    validators.set(key, validate);
    return validate;
  }

  const specOperations: Record<string, SpecOperation> = {};
  for (const [path, item] of Object.entries<Json>(spec.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
      const op = item[method];
      if (op === undefined) continue;
      specOperations[op.operationId] = {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        responses: op.responses,
      };
    }
  }

  const requiredComponentHeaders = Object.entries<Json>(spec.components.headers ?? {})
    .filter(([, h]) => h.required === true)
    .map(([name]) => name);

  function checkHeader(name: string, header: Json, reply: Reply, problems: string[]) {
    const value = reply.headers.get(name);
    if (value === null) {
      if (header.required === true) problems.push(`missing required header ${name}`);
      return;
    }
    const schema = header.schema ?? {};
    const typed = schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
    const validate = validatorFor(schema);
    if (!validate(typed))
      problems.push(`header ${name}=${value}: ${ajv.errorsText(validate.errors)}`);
  }

  function responseProblems(response: Json, reply: Reply): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
      checkHeader(name, deref(header), reply, problems);
    }
    const content = response.content as Record<string, Json> | undefined;
    if (content === undefined) {
      if (reply.text !== '') problems.push(`expected no body, got ${reply.text.slice(0, 80)}`);
      return problems;
    }
    const type = (reply.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const media = content[type];
    if (media === undefined) {
      problems.push(`content type ${type} not declared (${Object.keys(content).join(', ')})`);
      return problems;
    }
    const validate = validatorFor(media.schema);
    if (!validate(reply.json)) problems.push(`body: ${ajv.errorsText(validate.errors)}`);
    return problems;
  }

  return {
    deref,
    specOperations,
    requiredComponentHeaders,
    responseProblems,
    contractProblems(operationId, reply) {
      const op = specOperations[operationId];
      if (op === undefined) return [`${operationId} is not in the spec`];
      const declared = op.responses[String(reply.status)] ?? op.responses['default'];
      if (declared === undefined)
        return [`status ${reply.status} is not declared for ${operationId}`];
      return responseProblems(deref(declared), reply);
    },
    errorBodyProblems(reply) {
      const problems: string[] = [];
      for (const name of requiredComponentHeaders) {
        checkHeader(name, deref(spec.components.headers[name]), reply, problems);
      }
      const validate = validatorFor({ $ref: '#/components/schemas/OktaErrorResponse' });
      if (!validate(reply.json)) problems.push(`body: ${ajv.errorsText(validate.errors)}`);
      return problems;
    },
  };
}

/** The checks against spec/okta-sessions.yaml. */
export const sessionsContract = specContract('okta-sessions.yaml');
/** The checks against spec/okta-authn.yaml (the emulator's Authentication API endpoints). */
export const authnContract = specContract('okta-authn.yaml');

export const {
  specOperations,
  requiredComponentHeaders,
  contractProblems,
  responseProblems,
  errorBodyProblems,
} = sessionsContract;
