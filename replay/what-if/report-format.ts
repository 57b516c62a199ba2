// The what-if report as a table (for a terminal) or CSV (for a spreadsheet); JSON is the report itself.
import { WHAT_IF_METRICS, type WhatIfKpis, type WhatIfMetric } from './kpis.ts';
import type { WhatIfReport } from './what-if.ts';

const RATES = new Set<WhatIfMetric>(['serviceLevel', 'abandonRate']);

function show(metric: WhatIfMetric, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (RATES.has(metric)) return `${(value * 100).toFixed(1)}%`;
  if (metric === 'asaMs') return `${(value / 1000).toFixed(1)}s`;
  return String(value);
}

function signed(metric: WhatIfMetric, value: number | null): string {
  if (value === null) return '';
  if (RATES.has(metric)) return ` (${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} pts)`;
  if (metric === 'asaMs') return ` (${value >= 0 ? '+' : ''}${(value / 1000).toFixed(1)}s)`;
  return ` (${value >= 0 ? '+' : ''}${value})`;
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function whatIfTable(report: WhatIfReport): string {
  const lines: string[] = [];
  if (report.kind === 'routing') {
    lines.push(`what-if routing policy ${report.policyId}, queue entries ${report.from} → ${report.to}; actual → candidate (difference)`);
    for (const site of report.sites) {
      lines.push('', `site ${site.site}: ${site.calls} calls, ${site.inputsReplayed} routing inputs replayed, ${site.policiesLeftOut} recorded policy publications left out`);
      lines.push(`  model check (recorded policy re-simulated): ${site.baseline.rejectedInputs} inputs refused, ${site.baseline.unresolvedCalls} calls unresolved`);
      lines.push(`  candidate: ${site.candidate.rejectedInputs} inputs refused, ${site.candidate.unresolvedCalls} calls unresolved, ${site.candidate.answeredBeyondRecordedWait} answered after a longer wait than recorded (patience assumed)`);
      lines.push(['queue', 'tier', ...WHAT_IF_METRICS].join('\t'));
      for (const row of site.rows) {
        lines.push([row.queue, row.tier, ...WHAT_IF_METRICS.map((m) => `${show(m, row.actual?.[m])} → ${show(m, row.candidate?.[m])}${signed(m, row.difference[m])}`)].join('\t'));
      }
    }
    return `${lines.join('\n')}\n`;
  }
  lines.push(`what-if ${report.kind} rules (candidate as version ${report.candidateVersion}), interactions starting ${report.from} → ${report.to}`);
  lines.push(`${report.interactions} interactions, ${report.eventsReplayed} events re-decided; ${report.outcome}: ${report.baseline} recorded rules → ${report.candidate} candidate (+${report.added} −${report.removed})`);
  lines.push(['rule', 'recorded', 'candidate', 'added', 'removed'].join('\t'));
  for (const r of report.byRule) lines.push([r.ruleId, r.baseline, r.candidate, r.added, r.removed].join('\t'));
  for (const [label, list] of [['added', report.examples.added], ['removed', report.examples.removed]] as const) {
    for (const o of list) lines.push(`${label}: ${o.interactionId} ${o.ruleId} ${o.kind} ${o.severity} [${o.terms.join(', ')}] ${o.explanation ?? ''}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

export function whatIfCsv(report: WhatIfReport): string {
  if (report.kind === 'routing') {
    const sides = ['actual', 'baseline', 'candidate', 'difference'] as const;
    const header = ['site', 'queue', 'tier', ...WHAT_IF_METRICS.flatMap((m) => sides.map((s) => `${s}_${m}`))];
    const lines = [header.join(',')];
    for (const site of report.sites) {
      for (const row of site.rows) {
        const value = (side: (typeof sides)[number], m: WhatIfMetric) => (row[side] as WhatIfKpis | null)?.[m] ?? null;
        lines.push([row.site, row.queue, row.tier, ...WHAT_IF_METRICS.flatMap((m) => sides.map((s) => value(s, m)))].map(csvCell).join(','));
      }
    }
    return `${lines.join('\n')}\n`;
  }
  const lines = ['rule,recorded,candidate,added,removed'];
  for (const r of report.byRule) lines.push([r.ruleId, r.baseline, r.candidate, r.added, r.removed].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
