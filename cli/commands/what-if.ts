// `call-ledger what-if`: replays a period of recorded traffic through a candidate routing policy
// or risk / QA rule set, in memory (replay/what-if/), and prints the differences: KPIs per queue
// and tier (routing) or alerts / findings added and removed (rules). Progress on stderr.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import cliProgress from 'cli-progress';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { projectionSettingsFrom } from '../../projections/read-models.ts';
import { whatIfCsv, whatIfTable } from '../../replay/what-if/report-format.ts';
import { runWhatIf, WhatIfError, type WhatIfRequest } from '../../replay/what-if/what-if.ts';

export interface WhatIfCommandOptions {
  readonly policy?: string;
  readonly riskRules?: string;
  readonly qaRules?: string;
  readonly from: string;
  readonly to: string;
  readonly site?: string;
  readonly format: 'json' | 'csv' | 'table';
  readonly out?: string;
}

function time(field: 'from' | 'to', value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new WhatIfError(`--${field}`, 'time', `not an ISO-8601 time: ${value}`);
  return ms;
}

export function whatIfRequestOf(options: WhatIfCommandOptions, read: (file: string) => string = (file) => readFileSync(file, 'utf8')): WhatIfRequest {
  const given = [options.policy, options.riskRules, options.qaRules].filter((f) => f !== undefined);
  if (given.length !== 1) throw new WhatIfError('--policy | --risk-rules | --qa-rules', 'one-of', 'give exactly one candidate file');
  const from = time('from', options.from);
  const to = time('to', options.to);
  if (options.policy !== undefined) {
    // The candidate is named after its file (vip-first.json → vip-first), as decisions would name it.
    const policyId = basename(options.policy, extname(options.policy)).replace(/[^A-Za-z0-9._:-]/g, '-') || 'what-if';
    return { kind: 'routing', document: read(options.policy), policyId, from, to, site: options.site };
  }
  if (options.riskRules !== undefined) return { kind: 'risk', document: read(options.riskRules), from, to };
  return { kind: 'qa', document: read(options.qaRules ?? ''), from, to };
}

export async function whatIfCommand(options: WhatIfCommandOptions): Promise<void> {
  const request = whatIfRequestOf(options);
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  const bar = new cliProgress.SingleBar({ format: 'what-if {phase} [{bar}] {percentage}% | {value}/{total} records', stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  try {
    const report = await runWhatIf(
      { log: ledger.log, codec: ledger.codec, personalData: ledger.personalData, settings: projectionSettingsFrom(ledger.config.projections).wallboard },
      request,
      (p) => {
        if (!started) {
          bar.start(Math.max(1, p.total), p.read, { phase: p.phase });
          started = true;
        }
        if (p.phase === 'reading') bar.update(p.read, { phase: p.phase });
        else bar.update(bar.getTotal(), { phase: p.phase });
      },
    );
    if (started) bar.stop();
    const text = options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : options.format === 'csv' ? whatIfCsv(report) : whatIfTable(report);
    if (options.out) writeFileSync(options.out, text);
    else process.stdout.write(text);
  } finally {
    if (started) bar.stop();
    await ledger.close();
  }
}
