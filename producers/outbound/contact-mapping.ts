// The mapping of a campaign's contact list (CSV) to ContactScheduled events: which column holds
// what. Validated with ajv (errors name the field and the rule); a row that breaks a rule is
// rejected with its line, the column and the rule, and the import goes on. Pure: no file or clock.
import { validateRuleDocument } from '../../streams/rules/rule-document.ts';
import { contactPriority, type CampaignConfig } from '../../streams/outbound/campaign-config.ts';
import { decisionNamespace, uuidV5 } from '../../streams/runtime/uuid-v5.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';

export interface ContactListMapping {
  readonly csv?: { readonly delimiter?: string; readonly header?: boolean };
  readonly columns: {
    readonly contactId: string;
    readonly phoneNumber: string;
    readonly daysOverdue: string;
    readonly amountDue: string;
    readonly customerId?: string;
    readonly utcOffsetMinutes?: string;
  };
  /** ISO 4217 code of the amounts. */
  readonly currency: string;
  /** The contact is given up this many days after the import (null: never). */
  readonly expiresAfterDays?: number | null;
}

const column = { type: 'string', minLength: 1 } as const;
export const contactListMappingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['columns', 'currency'],
  properties: {
    csv: { type: 'object', additionalProperties: false, properties: { delimiter: { type: 'string', minLength: 1, maxLength: 1 }, header: { const: true } } },
    columns: {
      type: 'object',
      additionalProperties: false,
      required: ['contactId', 'phoneNumber', 'daysOverdue', 'amountDue'],
      properties: { contactId: column, phoneNumber: column, daysOverdue: column, amountDue: column, customerId: column, utcOffsetMinutes: column },
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    expiresAfterDays: { type: ['number', 'null'], exclusiveMinimum: 0 },
  },
} as const;

export function parseContactListMapping(input: unknown): ContactListMapping {
  return validateRuleDocument<ContactListMapping>('contact list mapping', contactListMappingSchema, input);
}

export class ContactRowRejected extends Error {
  override readonly name = 'ContactRowRejected';
}

export interface ContactImportSettings {
  readonly config: CampaignConfig;
  readonly mapping: ContactListMapping;
  /** E.164 numbers never to call: their rows are rejected, so they never enter the log. */
  readonly doNotCall: ReadonlySet<string>;
  /** Import time: the contacts are due from then. */
  readonly now: number;
}

/** Column positions from the header; a mapped column missing from it is an error naming the field. */
export function columnIndexes(mapping: ContactListMapping, header: readonly string[]): Record<string, number> {
  const indexes: Record<string, number> = {};
  for (const [field, name] of Object.entries(mapping.columns)) {
    const index = header.indexOf(name);
    if (index < 0) throw new ContactRowRejected(`columns.${field}: column '${name}' is not in the header [column-exists]`);
    indexes[field] = index;
  }
  return indexes;
}

/** One CSV row → its ContactScheduled event, or ContactRowRejected naming the column and the rule. */
export function contactEvent(settings: ContactImportSettings, indexes: Record<string, number>, row: readonly string[]): AnyLedgerEvent {
  const { config, mapping } = settings;
  const value = (field: string): string | undefined => (indexes[field] === undefined ? undefined : (row[indexes[field]] ?? '').trim());
  const reject = (field: string, rule: string, message: string): never => {
    throw new ContactRowRejected(`${mapping.columns[field as keyof ContactListMapping['columns']]} (${field}): ${message} [${rule}]`);
  };
  const contactId = value('contactId') || reject('contactId', 'required', 'is empty');
  const phoneNumber = value('phoneNumber') ?? '';
  if (!/^\+[1-9][0-9]{6,14}$/.test(phoneNumber)) reject('phoneNumber', 'e164', `'${phoneNumber}' is not an E.164 number`);
  if (settings.doNotCall.has(phoneNumber)) reject('phoneNumber', 'do-not-call', 'is on the do-not-call list');
  const daysOverdue = Number(value('daysOverdue'));
  if (!Number.isInteger(daysOverdue) || daysOverdue < 0) reject('daysOverdue', 'non-negative-integer', `'${value('daysOverdue')}' is not a whole number of days`);
  const amountText = value('amountDue') ?? '';
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(amountText)) reject('amountDue', 'amount', `'${amountText}' is not an amount (e.g. 3682.50)`);
  const amountMinor = Math.round(Number(amountText) * 100);
  const customerId = value('customerId') || null;
  const offsetText = value('utcOffsetMinutes');
  let utcOffsetMinutes: number | null = null;
  if (offsetText) {
    utcOffsetMinutes = Number(offsetText);
    if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 840) reject('utcOffsetMinutes', 'utc-offset', `'${offsetText}' is not an offset in minutes (-840..840)`);
  }
  const expiresAfterDays = mapping.expiresAfterDays ?? null;
  const eventId = uuidV5(`campaign-contact/${config.campaignId}/${contactId}`, decisionNamespace);
  return {
    type: 'ContactScheduled',
    metadata: {
      eventId, eventType: 'ContactScheduled', occurredAt: settings.now, recordedAt: settings.now, sourceSystem: 'new', interactionId: null, correlationId: null, causationId: null,
      producer: { component: 'producers/outbound/import-contacts', version: '1' }, dataSubject: customerId === null ? null : `customer:${customerId}`,
    },
    data: {
      campaignId: config.campaignId, contactId, customerId, phoneNumber, dueAt: settings.now, expiresAt: expiresAfterDays === null ? null : settings.now + expiresAfterDays * 86_400_000,
      priority: contactPriority(config.priority, daysOverdue, amountMinor / 100), maxAttempts: config.maxAttempts, amountDue: { amountMinor, currency: mapping.currency }, utcOffsetMinutes,
    },
  };
}
