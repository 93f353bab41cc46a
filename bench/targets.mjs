// The targets. They are read from the output and printed as met / not met;
// nothing here ever fails the run. MB and kB are decimal (1 MB = 1,000,000 bytes).

const get = (obj, path) => path.reduce((o, k) => o?.[k], obj);

export function evaluateTargets(r) {
  const ours = 'okta-sessions';
  const cold = r.coldStart?.results ?? {};
  const call = r.perCall ?? {};
  const fp = r.footprint ?? {};
  const rows = [
    {
      target: 'import+construct <= 1/20 of official SDK',
      timing: true,
      value: cold[ours]?.constructMs,
      limit: cold['official-sdk']?.constructMs / 20,
      unit: 'ms',
    },
    {
      target: 'memory added <= 1/10 of official SDK',
      timing: true,
      value: cold[ours]?.rssAdded,
      limit: cold['official-sdk']?.rssAdded / 10,
      unit: 'bytes',
    },
    {
      target: 'per-call CPU <= 0.6x official SDK',
      timing: true,
      value: call[ours]?.cpuUsPerCall,
      limit: call['official-sdk']?.cpuUsPerCall * 0.6,
      unit: 'us',
    },
    {
      target: 'per-call CPU <= 1.6x undici floor',
      timing: true,
      value: call[ours]?.cpuUsPerCall,
      limit: call['undici-pool']?.cpuUsPerCall * 1.6,
      unit: 'us',
    },
    {
      target: 'install adds <= 4 packages',
      value: get(fp, ['install', 'packages']),
      limit: 4,
      unit: 'count',
    },
    {
      target: 'install adds <= 2.5 MB',
      value: get(fp, ['install', 'bytes']),
      limit: 2.5e6,
      unit: 'bytes',
    },
    {
      target: 'browser bundle <= 8 kB min+gz',
      value: get(fp, ['bundle', 'gzipBytes']),
      limit: 8e3,
      unit: 'bytes',
    },
  ];
  for (const row of rows) {
    const known = Number.isFinite(row.value) && Number.isFinite(row.limit);
    // A --quick run makes too few calls and processes for timings to mean anything.
    row.met = known && !(r.quick && row.timing) ? row.value <= row.limit : null;
  }
  return rows;
}
