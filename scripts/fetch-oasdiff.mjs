#!/usr/bin/env node
// Puts the pinned oasdiff binary into the git-ignored .cache/, like fetch-generator.mjs does
// for the generator jar. It is built with `go install` of a pinned module version, so it comes
// from the Go module proxy only; nothing else is downloaded, and once built it needs no network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const OASDIFF_VERSION = 'v1.37.0';
const root = resolve(import.meta.dirname, '..');
const binDir = join(root, '.cache', 'oasdiff', OASDIFF_VERSION);
const bin = join(binDir, 'oasdiff');

/** Returns the path of the pinned oasdiff, building it on first use. */
export function oasdiffPath({ quiet = false } = {}) {
  if (existsSync(bin)) return bin;
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `oasdiff ${OASDIFF_VERSION} is not in ${binDir} and Go is not installed to build it.\n` +
        "Install Go 1.26 or later (as oasdiff's go.mod asks), then run `npm run fetch:oasdiff`.",
    );
  }
  mkdirSync(binDir, { recursive: true });
  if (!quiet)
    console.error(`building oasdiff ${OASDIFF_VERSION} with go install (once; about a minute)`);
  execFileSync('go', ['install', `github.com/oasdiff/oasdiff@${OASDIFF_VERSION}`], {
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    // GOTOOLCHAIN=local: build with the Go on this machine, never fetch another toolchain.
    env: { ...process.env, GOBIN: binDir, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
  });
  return bin;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const had = existsSync(bin);
  const path = oasdiffPath();
  console.log(`oasdiff ${OASDIFF_VERSION}: ${had ? 'already present at' : 'built to'} ${path}`);
}
