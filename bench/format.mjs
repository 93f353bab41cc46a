// Plain-text tables and number formatting for the terminal report.

export function table(title, head, rows) {
  const cells = [head, ...rows].map((r) => r.map((c) => (c == null ? '-' : String(c))));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    title,
    line(cells[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

const ok = (x) => typeof x === 'number' && Number.isFinite(x);
export const ms = (x, d = 1) => (ok(x) ? `${x.toFixed(d)} ms` : '-');
export const us = (x) => (ok(x) ? `${x.toFixed(0)} µs` : '-');
export const mb = (x) => (ok(x) ? `${(x / 1e6).toFixed(1)} MB` : '-');
export const kb = (x) => (ok(x) ? `${(x / 1e3).toFixed(1)} kB` : '-');
export const int = (x) => (ok(x) ? Math.round(x).toLocaleString('en-US') : '-');
export const ratio = (x) => (ok(x) ? `${x.toFixed(2)}x` : '-');

/** Bytes in the most readable unit (decimal). */
export function bytes(x) {
  if (!ok(x)) return '-';
  return x >= 1e6 ? mb(x) : x >= 1e3 ? kb(x) : `${x} B`;
}
