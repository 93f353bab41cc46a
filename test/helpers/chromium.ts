// Headless Chromium for the browser tests: Debian's `chromium` package driven by playwright-core
// (which never downloads a browser here), plus the page under test bundled by esbuild with the
// package's browser build and the recording servers the page talks to.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { packageSources } from '../../scripts/package-sources.cjs';
import type { Recorded, Reply } from './recording-server.js';

export const CHROMIUM_PATH = process.env['OKTA_SESSIONS_CHROMIUM'] ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium tries to reach Google at every start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh Chromium profile (its own --user-data-dir) that is deleted on close. */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'okta-sessions-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 720, height: 400 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** test/browser/page.ts with the package's browser build, as one ES module. */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, '..', 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [packageSources('browser')],
  });
  return result.outputFiles[0]!.text;
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>okta-sessions in Chromium</title>
    <style>
      body { font: 16px system-ui, sans-serif; margin: 2rem; }
      dl { display: grid; grid-template-columns: max-content auto; gap: 0.4rem 1rem; }
      dt { font-weight: 600; }
    </style>
    <script type="module" src="/page.js"></script>
  </head>
  <body>
    <h1>Your Okta session</h1>
    <dl id="session"><dt>Status</dt><dd>not checked yet</dd></dl>
  </body>
</html>
`;

/** The app's pages: any path gets the page, /page.js the bundle. */
export function appPages(bundle: string): Reply {
  return (req, res) => {
    const script = req.url === '/page.js';
    res.writeHead(script ? 200 : req.url === '/favicon.ico' ? 404 : 200, {
      'content-type': script ? 'text/javascript' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(script ? bundle : PAGE_HTML);
  };
}

/** One exchange the emulator had, as the proxy in front of it saw it. */
export interface Exchange extends Recorded {
  status: number;
  responseHeaders: IncomingHttpHeaders;
}

/**
 * Forwards every request to `target` unchanged and records request and answer, so a test sees
 * what reached the server (the browser's cookies, Origin, User-Agent) and what it answered.
 */
export function forwardTo(target: string, exchanges: Exchange[]): Reply {
  return (req, res) => {
    const upstream = httpRequest(
      new URL(req.url, target),
      { method: req.method, headers: req.headers },
      (answer) => {
        exchanges.push({
          ...req,
          status: answer.statusCode ?? 0,
          responseHeaders: answer.headers,
        });
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(req.body);
  };
}
