#!/usr/bin/env node
// Puts the pinned openapi-generator jar where openapitools.json's wrapper looks for it.
// The jar comes from Maven Central through Maven only; the npm wrapper's own HTTP
// download is never used, so a pinned version with the jar in place needs no network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const root = resolve(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(join(root, 'openapitools.json'), 'utf8'))['generator-cli'];
const version = config.version;
const storageDir = resolve(root, config.storageDir);
const jar = join(storageDir, `${version}.jar`);

if (existsSync(jar)) {
  console.log(`openapi-generator ${version}: ${jar} already present`);
  process.exit(0);
}

mkdirSync(storageDir, { recursive: true });
const staging = join(tmpdir(), `openapi-generator-${process.pid}`);
try {
  // The plugin version is named: Maven 3.8 otherwise resolves an ancient dependency plugin.
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
      `-Dartifact=org.openapitools:openapi-generator-cli:${version}`,
      `-DoutputDirectory=${staging}`,
    ],
    { stdio: 'inherit' },
  );
  renameSync(join(staging, `openapi-generator-cli-${version}.jar`), jar);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
console.log(`openapi-generator ${version}: fetched to ${jar}`);
