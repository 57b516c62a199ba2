// `call-ledger dual-track report`: legacy against new per queue and 15-minute interval from the
// wallboard projection's per-source rows (replay/dual-track.ts), differences above the threshold
// flagged. Exit code 2 when anything is flagged (for scheduled parallel-run checks).
import { writeFileSync } from 'node:fs';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { dualTrackCsv, dualTrackReport, dualTrackTable } from '../../replay/dual-track.ts';

export interface DualTrackCommandOptions {
  readonly legacy: string;
  readonly new: string;
  readonly threshold: string;
  readonly from?: string;
  readonly to?: string;
  readonly format: 'table' | 'json' | 'csv';
  readonly out?: string;
}

function time(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${flag}: not an ISO-8601 time: ${value}`);
  return ms;
}

export async function dualTrackReportCommand(options: DualTrackCommandOptions): Promise<void> {
  if (!options.legacy.startsWith('legacy:')) throw new Error(`--legacy: a legacy source is named legacy:<name>, got '${options.legacy}'`);
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  let flagged: boolean;
  const knex = openKnex(ledger.databaseUrl);
  try {
    const store = new ProjectionStore(knex, ledger.config.projections.schemaPrefix);
    const report = await dualTrackReport({
      knex, readSchema: store.readSchema, legacySource: options.legacy, newSource: options.new, threshold: Number(options.threshold),
      fromMs: time('--from', options.from), toMs: time('--to', options.to),
    });
    const text = options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : options.format === 'csv' ? dualTrackCsv(report) : dualTrackTable(report);
    if (options.out) writeFileSync(options.out, text);
    else process.stdout.write(text);
    console.error(`dual-track: ${report.flaggedRows} of ${report.rows.length} queue-intervals flagged (threshold ${report.threshold})`);
    flagged = report.flaggedRows > 0;
  } finally {
    await knex.destroy();
    await ledger.close();
  }
  // Exit code 2 for scheduled checks (set explicitly: a dependency resets process.exitCode on exit).
  if (flagged) {
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(2);
  }
}
