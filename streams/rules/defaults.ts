// The default rule documents shipped with the product (version 1 of each policy, in force from
// the epoch until a newer version is published on the control topic).
import { readFileSync } from 'node:fs';
import type { PolicyVersion } from './rule-document.ts';
import { parseRiskRules, type RiskRules } from '../risk/risk-rules.ts';
import { parseScriptLibrary, type ScriptLibrary } from '../risk/script-library.ts';
import { parseQaRules, type QaRules } from '../qa/qa-rules.ts';

export const defaultRuleFiles = {
  risk: new URL('../risk/rules/default-risk-rules.json', import.meta.url),
  scripts: new URL('../risk/rules/default-scripts.json', import.meta.url),
  qa: new URL('../qa/rules/default-qa-rules.json', import.meta.url),
} as const;

export const policyIds = { risk: 'risk-rules', scripts: 'script-library', qa: 'qa-rules' } as const;

function load<T>(policyId: string, file: URL, parse: (document: unknown) => T): PolicyVersion<T> {
  return { policyId, version: 1, effectiveFrom: 0, document: parse(readFileSync(file, 'utf8')) };
}

export function defaultRiskRules(): PolicyVersion<RiskRules> { return load(policyIds.risk, defaultRuleFiles.risk, parseRiskRules); }
export function defaultScriptLibrary(): PolicyVersion<ScriptLibrary> { return load(policyIds.scripts, defaultRuleFiles.scripts, parseScriptLibrary); }
export function defaultQaRules(): PolicyVersion<QaRules> { return load(policyIds.qa, defaultRuleFiles.qa, parseQaRules); }
