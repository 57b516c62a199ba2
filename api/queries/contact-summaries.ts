// Customer-history contacts carry each summary as the log holds it: encrypted under its data
// subject's key. This shows them to a reader the way every personal field is shown
// (api/ledger/personal-fields.ts): decrypted for roles that may see personal data, "[erased]"
// once the subject was crypto-shredded, "[redacted]" for everyone else. The subject never leaves.
import type { Catalogue } from '../../schemas/catalogue.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { CustomerContact } from '../../projections/customer-history/customer-history.queries.ts';
import type { Role } from '../http/auth.ts';
import { mayReveal } from '../ledger/personal-fields.ts';
import type { Row } from './query-ports.ts';

/** The personal field a shown history may reveal (named in the DataAccessed audit event). */
export const SUMMARY_FIELD = 'SummaryGenerated.data.summary';

/** The personal fields a shown history revealed (for the DataAccessed event written before it leaves). */
export function historyFieldsRevealed(reader: Role, rows: readonly Row[] | null): string[] {
  return mayReveal(reader) && rows?.some((r) => r.summary !== null && r.summary !== undefined) ? [SUMMARY_FIELD] : [];
}

export async function contactsShownTo(reader: Role, contacts: readonly CustomerContact[], parts: { personalData: PersonalDataProtector; catalogue: Catalogue }): Promise<Row[]> {
  const definition = parts.catalogue.get('SummaryGenerated');
  const reveal = mayReveal(reader);
  const rows: Row[] = [];
  for (const { summarySubject, riskFlags, blockedOperations, ...contact } of contacts) {
    let summary = contact.summary;
    if (summary !== null) {
      const stored = { metadata: { dataSubject: summarySubject, eventType: 'SummaryGenerated' }, data: { summary } };
      summary = (reveal ? await parts.personalData.reveal(definition, stored) : parts.personalData.redact(definition, stored)).data.summary;
    }
    rows.push({ ...contact, summary, riskFlags: riskFlags.join(','), blockedOperations: blockedOperations.join(',') });
  }
  return rows;
}
