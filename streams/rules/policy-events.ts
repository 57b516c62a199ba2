// Turns a published rule control event (RiskRulesPublished, QaRulesPublished,
// ScriptLibraryPublished) into a validated policy version. The SHA-256 must match the document.
import { createHash } from 'node:crypto';
import { RuleValidationError, type PolicyVersion } from './rule-document.ts';

export interface PublishedDocument {
  readonly policyId: string;
  readonly version: number;
  readonly document: string;
  readonly documentSha256: string;
  readonly effectiveFrom: number;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function policyVersionOf<T>(what: string, published: PublishedDocument, parse: (document: unknown) => T): PolicyVersion<T> {
  if (sha256(published.document) !== published.documentSha256.toLowerCase()) {
    throw new RuleValidationError(what, [{ field: 'documentSha256', rule: 'sha256', message: `does not match the document (policy ${published.policyId} version ${published.version})` }]);
  }
  return { policyId: published.policyId, version: published.version, effectiveFrom: published.effectiveFrom, document: parse(published.document) };
}

/** Adds a version, replacing a republished one with the same number (idempotent on redelivery). */
export function withVersion<T>(versions: readonly PolicyVersion<T>[], added: PolicyVersion<T>): PolicyVersion<T>[] {
  return [...versions.filter((v) => v.version !== added.version), added].sort((a, b) => a.version - b.version);
}
