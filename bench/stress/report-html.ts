// The stress run's self-contained HTML report: inline SVG line charts (no scripts, no external
// files) of throughput, latency per stage and consumer lag over time, with the phases shaded,
// and the JSON summary underneath.

export interface Line {
  readonly label: string;
  readonly t: readonly number[];
  readonly values: readonly number[];
}

export interface Chart {
  readonly title: string;
  readonly unit: string;
  readonly lines: readonly Line[];
}

export interface PhaseBand {
  readonly name: string;
  readonly fromS: number;
  readonly toS: number;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];
const width = 880;
const height = 260;
const margin = { left: 64, right: 16, top: 28, bottom: 36 };

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function svgChart(chart: Chart, bands: readonly PhaseBand[], endS: number): string {
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const maxY = niceMax(Math.max(0, ...chart.lines.flatMap((l) => l.values)));
  const x = (t: number): number => margin.left + (innerW * t) / Math.max(1, endS);
  const y = (v: number): number => margin.top + innerH - (innerH * v) / maxY;
  const parts: string[] = [];
  bands.forEach((band, i) => {
    parts.push(`<rect x="${x(band.fromS).toFixed(1)}" y="${margin.top}" width="${(x(band.toS) - x(band.fromS)).toFixed(1)}" height="${innerH}" fill="${i % 2 === 0 ? '#f4f4f4' : '#e8eef7'}"/>`);
    parts.push(`<text x="${(x(band.fromS) + 4).toFixed(1)}" y="${margin.top + 12}" font-size="10" fill="#555">${escape(band.name)}</text>`);
  });
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`);
  }
  for (let s = 0; s <= endS; s += Math.max(10, Math.ceil(endS / 10 / 10) * 10)) {
    parts.push(`<text x="${x(s).toFixed(1)}" y="${height - margin.bottom + 14}" font-size="10" text-anchor="middle">${s}s</text>`);
  }
  chart.lines.forEach((line, i) => {
    const color = palette[i % palette.length];
    const points = line.t.map((t, j) => `${x(t).toFixed(1)},${y(line.values[j]).toFixed(1)}`).join(' ');
    if (points) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points}"/>`);
    parts.push(`<rect x="${margin.left + 8 + i * 150}" y="${height - 14}" width="10" height="3" fill="${color}"/><text x="${margin.left + 22 + i * 150}" y="${height - 10}" font-size="10">${escape(line.label)}</text>`);
  });
  parts.push(`<text x="${margin.left}" y="16" font-size="13" font-weight="bold">${escape(chart.title)}</text>`);
  parts.push(`<text x="14" y="${margin.top + innerH / 2}" font-size="10" transform="rotate(-90 14 ${margin.top + innerH / 2})" text-anchor="middle">${escape(chart.unit)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

export function renderReport(title: string, charts: readonly Chart[], bands: readonly PhaseBand[], endS: number, summary: unknown): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}pre{background:#f6f6f6;padding:12px;overflow:auto;font-size:12px}svg{display:block;margin:12px 0}</style></head>
<body><h1>${escape(title)}</h1>
${charts.map((chart) => svgChart(chart, bands, endS)).join('\n')}
<h2>Summary</h2><pre>${escape(JSON.stringify(summary, null, 2))}</pre>
</body></html>
`;
}
