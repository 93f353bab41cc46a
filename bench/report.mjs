// Renders a `npm run bench` result object as terminal tables.
import { table, ms, us, mb, kb, int, ratio, bytes } from './format.mjs';

function rowsFor(contenders, section, fn) {
  return contenders.map((c) => {
    const r = section?.[c.id];
    if (!r) return [c.label, 'skipped'];
    if (r.notBuilt) return [c.label, 'not built'];
    if (r.error) return [c.label, `ERROR: ${r.error.slice(0, 70)}`];
    return [c.label, ...fn(r)];
  });
}

function pad(rows, width) {
  return rows.map((r) => (r.length < width ? [...r, ...Array(width - r.length).fill('')] : r));
}

export function renderBench(res, contenders) {
  const out = [];
  const m = res.machine;
  out.push(
    `okta-sessions bench${res.quick ? ' --quick (smoke run: numbers are rough)' : ''}`,
    `${m.cpu} x${m.cores}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.platform}, Node ${m.node}, ` +
      `${m.date}, commit ${m.commit ?? '?'}${m.dirty ? '+dirty' : ''}, load ${m.loadavg.join(' ')}`,
    `build: ${res.build.reason}`,
    '',
  );

  const floor = res.perCall?.['undici-pool']?.cpuUsPerCall;
  const official = res.perCall?.['official-sdk']?.cpuUsPerCall;
  const cs = res.coldStart;
  out.push(
    table(
      `Cold start (median of ${res.settings.coldRuns} fresh processes; added over bare node: ` +
        `RSS ${mb(cs?.baseline?.rss)}, heap ${mb(cs?.baseline?.heapUsed)})`,
      ['contender', 'import+construct', 'RSS added', 'heap added (after GC)', 'first call'],
      pad(
        rowsFor(contenders, cs?.results, (r) => [
          ms(r.constructMs),
          mb(r.rssAdded),
          mb(r.heapAdded),
          ms(r.firstCallMs),
        ]),
        5,
      ),
    ),
    '',
  );

  const s = res.settings;
  out.push(
    table(
      `Per call: getSession (CPU = process.cpuUsage over ${s.calls} sequential calls after ` +
        `${s.warmup} warm-up, median of ${s.rounds * s.passes} rounds in ${s.passes} processes, ` +
        `${s.core === null ? 'unpinned' : `client and server pinned to core ${s.core}`}; ` +
        `throughput: ${s.seconds} s, unpinned)`,
      [
        'contender',
        'CPU/call',
        'vs floor',
        'vs official',
        'latency (seq)',
        `calls/s @${s.inFlight}`,
        `CPU/call @${s.inFlight}`,
      ],
      pad(
        rowsFor(contenders, res.perCall, (r) => [
          us(r.cpuUsPerCall),
          ratio(r.cpuUsPerCall / floor),
          ratio(r.cpuUsPerCall / official),
          us(r.wallUsPerCall),
          int(r.throughput),
          us(r.cpuUsPerCallInFlight),
        ]),
        7,
      ),
    ),
    '',
  );

  out.push(
    table(
      `Concurrency: ${int(s.concurrency)} getSession calls at once, one client`,
      ['contender', 'wall', 'peak RSS', 'RSS growth', 'sockets opened', 'ok', 'failed'],
      pad(
        rowsFor(contenders, res.concurrency, (r) => [
          ms(r.wallMs, 0),
          mb(r.peakRss),
          mb(r.peakRss - r.rssBefore),
          int(r.server?.connections),
          int(r.ok),
          int(r.count - r.ok),
        ]),
        7,
      ),
    ),
    '',
  );

  const fp = res.footprint;
  if (fp?.skipped) {
    out.push(`Footprint: skipped (${fp.skipped})`, '');
  } else if (fp?.error) {
    out.push(`Footprint: error: ${fp.error}`, '');
  } else if (fp) {
    const rows = [
      [
        'okta-sessions',
        fp.install ? int(fp.install.packages) : 'skipped (--quick)',
        fp.install ? bytes(fp.install.bytes) : '',
        bytes(fp.pack.tarballBytes),
        `${kb(fp.bundle.minBytes)} / ${kb(fp.bundle.gzipBytes)}`,
      ],
    ];
    if (fp.officialInstall) {
      rows.push([
        '@okta/okta-sdk-nodejs',
        fp.officialInstall.error ? `error` : int(fp.officialInstall.packages),
        fp.officialInstall.error ? fp.officialInstall.error : bytes(fp.officialInstall.bytes),
        '',
        'n/a (Node only)',
      ]);
    }
    out.push(
      table(
        'Footprint (install of the packed tarball into an empty project; browser bundle: ' +
          'esbuild --platform=browser --minify, gzip -9)',
        ['package', 'packages added', 'bytes added', 'tarball', 'bundle min / min+gz'],
        rows,
      ),
    );
    if (fp.install) {
      out.push(
        '  installed: ' +
          fp.install.list.map((p) => `${p.name}@${p.version} (${bytes(p.bytes)})`).join(', '),
      );
    }
    out.push(
      '  bundle inputs: ' +
        fp.bundle.topInputs
          .slice(0, 5)
          .map((i) => `${i.file.replace(/^.*node_modules\//, '')} ${bytes(i.bytes)}`)
          .join(', '),
      '',
    );
  }

  const fmt = { ms: (x) => ms(x, 2), bytes, us, count: int };
  out.push(
    table(
      'Targets (read, never asserted)',
      ['target', 'okta-sessions', 'limit', 'result'],
      res.targets.map((t) => [
        t.target,
        fmt[t.unit](t.value),
        fmt[t.unit](t.limit),
        t.met === null
          ? res.quick && t.timing
            ? 'n/a (--quick)'
            : 'n/a'
          : t.met
            ? 'met'
            : 'NOT MET',
      ]),
    ),
  );
  return out.join('\n');
}
