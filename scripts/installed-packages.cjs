// What an install put on disk, for the package-size test (test/package.test.ts) and the bench's
// footprint (bench/footprint.mjs): each package npm installed, with the bytes of its own files.
const { execFileSync } = require('node:child_process');
const { existsSync, lstatSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * Bytes of the files under `dir`, symbolic links not followed; 0 if it does not exist.
 * @param {string} dir
 * @returns {number}
 */
function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += dirBytes(path);
    else if (entry.isFile()) bytes += lstatSync(path).size;
  }
  return bytes;
}

/**
 * The package installed in `dir`, with the bytes of its own files (its nested node_modules left
 * out: those are packages too).
 * @param {string} dir
 * @returns {{ name: string, version: string, bytes: number }}
 */
function packageAt(dir) {
  const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { name, version, bytes: dirBytes(dir) - dirBytes(join(dir, 'node_modules')) };
}

/**
 * Every package npm installed in the project at `dir`, nested ones included, as `npm ls --all`
 * lists them.
 * @param {string} dir
 */
function npmInstalledPackages(dir) {
  const listed = execFileSync('npm', ['ls', '--all', '--parseable'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return listed.trim().split('\n').slice(1).map(packageAt);
}

module.exports = { dirBytes, packageAt, npmInstalledPackages };
