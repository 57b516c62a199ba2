// npm run rules:publish -- <risk|qa|scripts> <file.json> <version> [--by <who>] [--effective-from <ISO time>] [--note <text>]
// Validates a rule document (errors name the field and the rule) and appends it to the control
// topic as RiskRulesPublished / QaRulesPublished / ScriptLibraryPublished with its SHA-256.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { parseQaRules } from '../qa/qa-rules.ts';
import { parseRiskRules } from '../risk/risk-rules.ts';
import { parseScriptLibrary } from '../risk/script-library.ts';
import { policyIds } from './defaults.ts';
import { sha256 } from './policy-events.ts';
import { RuleValidationError } from './rule-document.ts';

const kinds = {
  risk: { type: 'RiskRulesPublished', policyId: policyIds.risk, parse: parseRiskRules },
  qa: { type: 'QaRulesPublished', policyId: policyIds.qa, parse: parseQaRules },
  scripts: { type: 'ScriptLibraryPublished', policyId: policyIds.scripts, parse: parseScriptLibrary },
} as const;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { by: { type: 'string', default: process.env.USER ?? 'unknown' }, 'effective-from': { type: 'string' }, note: { type: 'string' } } });
const [kindName, file, versionText] = positionals;
const kind = kinds[kindName as keyof typeof kinds];
const version = Number(versionText);
if (!kind || !file || !Number.isInteger(version) || version < 1) {
  console.error('usage: rules:publish <risk|qa|scripts> <file.json> <version> [--by who] [--effective-from ISO] [--note text]');
  process.exit(2);
}
const document = readFileSync(file, 'utf8');
try {
  kind.parse(document);
} catch (error) {
  if (error instanceof RuleValidationError) {
    for (const e of error.errors) console.error(`${file}: ${e.field}${e.ruleId ? ` (rule ${e.ruleId})` : ''}: ${e.message} [${e.rule}]`);
    process.exit(1);
  }
  throw error;
}
const now = Date.now();
const effectiveFrom = values['effective-from'] ? Date.parse(values['effective-from']) : now;
const event = {
  type: kind.type,
  metadata: {
    eventId: randomUUID(), eventType: kind.type, occurredAt: now, recordedAt: now, sourceSystem: 'new', interactionId: null, correlationId: null, causationId: null,
    producer: { component: 'streams/rules/publish-rules', version: '1' }, dataSubject: null,
  },
  data: { policyId: kind.policyId, version, document, documentSha256: sha256(document), publishedBy: values.by ?? 'unknown', effectiveFrom, changeNote: values.note ?? null },
} as AnyLedgerEvent;
const ledger = await openLedger(readConfig());
try {
  const [result] = await ledger.log.append([{ topic: ledger.codec.catalogue.get(kind.type).topic, key: ledger.codec.keyOf(event), value: await ledger.codec.encode(event) }]);
  console.log(`published ${kind.policyId} version ${version} (${kind.type}) at ${result.topic}/${result.partition}@${result.offset}, effective from ${new Date(effectiveFrom).toISOString()}`);
} finally {
  await ledger.close();
}
