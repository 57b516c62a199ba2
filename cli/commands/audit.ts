// `call-ledger audit verify`: recomputes the audit trail's hash chains and cross-checks them with
// the log (replay/audit-verify.ts). Findings on stdout (text or JSON); exit code 2 when a chain is
// broken, a logged event's bytes changed since its seal, or the trail and the log disagree.
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import type { AuditSelector } from '../../projections/audit-trail/audit-trail.queries.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { describeReport, verifyAudit, type AuditVerifyReport } from '../../replay/audit-verify.ts';
import { PostgresSealStore, TimelineBuilder } from '../../replay/timeline.ts';

export interface AuditVerifyOptions {
  readonly interaction?: string;
  readonly customer?: string;
  readonly all?: boolean;
  readonly format: 'text' | 'json';
}

export function selectorOf(options: Pick<AuditVerifyOptions, 'interaction' | 'customer' | 'all'>): AuditSelector {
  const given = [options.interaction !== undefined, options.customer !== undefined, options.all === true].filter(Boolean).length;
  if (given !== 1) throw new Error('audit verify: give exactly one of --interaction <id>, --customer <id> or --all');
  if (options.interaction !== undefined) return { interactionId: options.interaction };
  if (options.customer !== undefined) return { customerId: options.customer };
  return { all: true };
}

export async function auditVerifyCommand(options: AuditVerifyOptions): Promise<void> {
  const selector = selectorOf(options);
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  const knex = openKnex(ledger.databaseUrl);
  let report: AuditVerifyReport;
  try {
    const store = new ProjectionStore(knex, ledger.config.projections.schemaPrefix);
    await store.init();
    const seals = new PostgresSealStore(ledger.pool, ledger.config.dbSchema);
    await seals.migrate();
    const timeline = new TimelineBuilder({ log: ledger.log, codec: ledger.codec, personalData: ledger.personalData, seals });
    report = await verifyAudit({ knex, readSchema: store.readSchema, store, codec: ledger.codec, timeline, seals }, selector);
  } finally {
    await knex.destroy();
    await ledger.close();
  }
  process.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${describeReport(report).join('\n')}\n`);
  // Exit code 2 for scheduled checks (set explicitly: a dependency resets process.exitCode on exit).
  if (report.status === 'broken') {
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(2);
  }
}
