/// <reference lib="dom" />
// Charts of the day by interval as inline SVG (no chart library): offered, answered and abandoned
// calls as grouped bars per 15-minute interval, the service level as a line on its own 0–100% scale.

export interface IntervalFigures {
  readonly start: number;
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  /** Answered within the threshold ÷ (answered + abandoned − short abandons), null without calls. */
  readonly serviceLevel: number | null;
}

const svgNs = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string | number>>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Sums KPI rows (one per interval × queue × tier × source) into one figure set per interval. */
export function byInterval(rows: readonly Readonly<Record<string, unknown>>[], queueId: string | null): IntervalFigures[] {
  const totals = new Map<number, { offered: number; answered: number; abandoned: number; inSl: number; slBase: number }>();
  for (const row of rows) {
    if (queueId !== null && row.queue !== queueId) continue;
    const start = Date.parse(String(row.period));
    const t = totals.get(start) ?? { offered: 0, answered: 0, abandoned: 0, inSl: 0, slBase: 0 };
    const num = (name: string) => (typeof row[name] === 'number' ? (row[name] as number) : 0);
    t.offered += num('offered');
    t.answered += num('answered');
    t.abandoned += num('abandoned');
    const base = num('answered') + num('abandoned') - num('shortAbandoned');
    if (typeof row.serviceLevel === 'number' && base > 0) {
      t.inSl += row.serviceLevel * base;
      t.slBase += base;
    }
    totals.set(start, t);
  }
  return [...totals.entries()].sort(([a], [b]) => a - b).map(([start, t]) => ({ start, offered: t.offered, answered: t.answered, abandoned: t.abandoned, serviceLevel: t.slBase > 0 ? t.inSl / t.slBase : null }));
}

/** Every 15-minute interval of the day from midnight, zero where nothing happened, so the chart's axis is the whole day. */
export function wholeDay(midnight: number, intervals: readonly IntervalFigures[]): IntervalFigures[] {
  const found = new Map(intervals.map((i) => [i.start, i]));
  return Array.from({ length: 96 }, (_, i) => {
    const start = midnight + i * 900_000;
    return found.get(start) ?? { start, offered: 0, answered: 0, abandoned: 0, serviceLevel: null };
  });
}

export function intervalChart(intervals: readonly IntervalFigures[], title: string): SVGSVGElement {
  const width = 1200;
  const height = 320;
  const left = 60;
  const bottom = 40;
  const top = 70;
  const plotHeight = height - top - bottom;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, class: 'chart' });
  chart.append(svg('text', { x: left, y: 26, class: 'chart-title' }, title));
  const max = Math.max(1, ...intervals.map((i) => i.offered));
  const slot = (width - left - 20) / Math.max(1, intervals.length);
  const bar = Math.max(2, slot / 4);
  chart.append(svg('line', { x1: left, y1: top + plotHeight, x2: width - 20, y2: top + plotHeight, class: 'axis' }));
  chart.append(svg('text', { x: left - 10, y: top + 8, class: 'tick', 'text-anchor': 'end' }, String(max)));
  chart.append(svg('text', { x: left - 10, y: top + plotHeight, class: 'tick', 'text-anchor': 'end' }, '0'));
  const points: string[] = [];
  intervals.forEach((interval, i) => {
    const x = left + i * slot + slot / 8;
    const h = (v: number) => (v / max) * plotHeight;
    chart.append(svg('rect', { x, y: top + plotHeight - h(interval.offered), width: bar, height: h(interval.offered), class: 'bar offered' }));
    chart.append(svg('rect', { x: x + bar, y: top + plotHeight - h(interval.answered), width: bar, height: h(interval.answered), class: 'bar answered' }));
    chart.append(svg('rect', { x: x + 2 * bar, y: top + plotHeight - h(interval.abandoned), width: bar, height: h(interval.abandoned), class: 'bar abandoned' }));
    if (interval.serviceLevel !== null) points.push(`${x + 1.5 * bar},${top + plotHeight - interval.serviceLevel * plotHeight}`);
    if (i % Math.max(1, Math.ceil(intervals.length / 12)) === 0) {
      const label = new Date(interval.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      chart.append(svg('text', { x: x + bar, y: height - 12, class: 'tick', 'text-anchor': 'middle' }, label));
    }
  });
  if (points.length > 0) chart.append(svg('polyline', { points: points.join(' '), class: 'service-level' }));
  const legend = [['offered', 'offered'], ['answered', 'answered'], ['abandoned', 'abandoned'], ['service-level-key', 'service level (0–100%)']] as const;
  legend.forEach(([cls, text], i) => {
    chart.append(svg('rect', { x: left + i * 160, y: 38, width: 16, height: 16, class: `bar ${cls}` }));
    chart.append(svg('text', { x: left + 22 + i * 160, y: 52, class: 'tick' }, text));
  });
  return chart;
}
