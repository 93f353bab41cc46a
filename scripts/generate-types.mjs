#!/usr/bin/env node
// Writes generated/schema.ts with openapi-typescript. The spec declares Okta's open enums with
// `x-extensible-enum` (so that clients generated in other languages accept new values); for our
// own types they are read as `enum`, so the façade keeps its literal unions (see Open<T> in
// src/model/session.ts) and the exported value arrays.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConfig, findConfig, loadConfig } from '@redocly/openapi-core';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const [specPath = 'spec/okta-sessions.yaml', outPath = 'generated/schema.ts'] =
  process.argv.slice(2);

/**
 * @param {unknown} node
 * @returns {unknown}
 */
function closeEnums(node) {
  if (Array.isArray(node)) return node.map(closeEnums);
  if (node === null || typeof node !== 'object') return node;
  /** @type {Record<string, unknown>} */
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-extensible-enum') copy.enum = value;
    else copy[key] = closeEnums(value);
  }
  return copy;
}

const spec = /** @type {import('openapi-typescript').OpenAPI3} */ (
  closeEnums(parse(readFileSync(resolve(root, specPath), 'utf8')))
);
const configPath = findConfig(root);
const redocly = configPath
  ? await loadConfig({ configPath })
  : await createConfig({}, { extends: ['minimal'] });
const ast = await openapiTS(spec, { enumValues: true, redocly });
writeFileSync(resolve(root, outPath), COMMENT_HEADER + astToString(ast));
console.log(`${outPath}: types from ${specPath}`);
