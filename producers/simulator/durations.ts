// Durations and start times as people type them on the command line: 90s, 30m, 2h, 1d; a start
// time as an ISO timestamp.

export function parseDuration(text: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`${field}: must be a number with a unit (ms, s, m, h, d), e.g. 90s, 30m, 2h; got '${text}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(match[1]) * unit);
}

export function parseStart(text: string, field: string): number {
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw new Error(`${field}: must be an ISO timestamp with a time zone, e.g. 2026-11-23T08:00:00+08:00; got '${text}'`);
  return at;
}
