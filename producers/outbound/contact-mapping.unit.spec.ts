import { expect } from 'chai';
import { parseCampaignConfig } from '../../streams/outbound/campaign-config.ts';
import { columnIndexes, contactEvent, ContactRowRejected, parseContactListMapping, type ContactImportSettings } from './contact-mapping.ts';

const config = parseCampaignConfig({
  campaignId: 'c1', version: 1, name: 'n', purpose: 'PAYMENT_REMINDER', script: 's', dialMode: 'PREDICTIVE', site: 'sh', queueId: 'q', agentGroup: 'g',
  abandonCap: { rate: 0.03 }, callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1], open: '09:00', close: '20:00' }] },
  maxAttempts: 3, retryAfterMinutes: { NO_ANSWER: 60, BUSY: 15, VOICEMAIL: 120 }, priority: { perDayOverdue: 10, perThousandDue: 2 },
});
const mapping = parseContactListMapping({
  columns: { contactId: 'acct', phoneNumber: 'mobile', daysOverdue: 'dpd', amountDue: 'amount', customerId: 'cust', utcOffsetMinutes: 'tz' }, currency: 'CNY', expiresAfterDays: 14,
});
const now = Date.UTC(2026, 10, 26, 1, 0, 0);
const settings: ContactImportSettings = { config, mapping, doNotCall: new Set(['+8613900000009']), now };
const header = ['acct', 'cust', 'mobile', 'dpd', 'amount', 'tz'];
const indexes = columnIndexes(mapping, header);

describe('contact list mapping', () => {
  it('turns a row into ContactScheduled with its priority from days overdue and amount, personal fields under the customer', () => {
    const event = contactEvent(settings, indexes, ['A-1', 'C-1', '+8613900000001', '45', '3682.50', '540']);
    expect(event.type).to.equal('ContactScheduled');
    expect(event.metadata.dataSubject).to.equal('customer:C-1');
    expect(event.data).to.deep.equal({
      campaignId: 'c1', contactId: 'A-1', customerId: 'C-1', phoneNumber: '+8613900000001', dueAt: now, expiresAt: now + 14 * 86_400_000,
      priority: 457, maxAttempts: 3, amountDue: { amountMinor: 368_250, currency: 'CNY' }, utcOffsetMinutes: 540,
    });
    // The same contact imported again has the same event id (readers drop the duplicate).
    expect(contactEvent(settings, indexes, ['A-1', 'C-1', '+8613900000001', '45', '3682.50', '540']).metadata.eventId).to.equal(event.metadata.eventId);
  });

  it('rejects a row naming the column, the field and the rule', () => {
    const cases: [string[], RegExp][] = [
      [['A-2', 'C-2', '13900000002', '1', '1.00', ''], /^mobile \(phoneNumber\): '13900000002' is not an E\.164 number \[e164\]$/],
      [['A-3', 'C-3', '+8613900000009', '1', '1.00', ''], /^mobile \(phoneNumber\): is on the do-not-call list \[do-not-call\]$/],
      [['A-4', 'C-4', '+8613900000004', '-3', '1.00', ''], /^dpd \(daysOverdue\): .* \[non-negative-integer\]$/],
      [['A-5', 'C-5', '+8613900000005', '3', '1,000', ''], /^amount \(amountDue\): .* \[amount\]$/],
      [['A-6', 'C-6', '+8613900000006', '3', '10', '900'], /^tz \(utcOffsetMinutes\): .* \[utc-offset\]$/],
      [['', 'C-7', '+8613900000007', '3', '10', ''], /^acct \(contactId\): is empty \[required\]$/],
    ];
    for (const [row, message] of cases) expect(() => contactEvent(settings, indexes, row)).to.throw(ContactRowRejected, message);
  });

  it('refuses a mapping with an unknown field or a bad currency, and a header without a mapped column', () => {
    expect(() => parseContactListMapping({ columns: { contactId: 'a', phoneNumber: 'b', daysOverdue: 'c', amountDue: 'd', nickname: 'e' }, currency: 'yuan' }))
      .to.throw(/columns\.nickname: is not a known field.*currency: .*\[pattern\]|currency: .*\[pattern\].*columns\.nickname/);
    expect(() => columnIndexes(mapping, ['acct', 'mobile'])).to.throw(/columns\.daysOverdue: column 'dpd' is not in the header \[column-exists\]/);
  });
});
