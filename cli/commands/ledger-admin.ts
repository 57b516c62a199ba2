// Small operational commands over the ledger: topics, descriptions, erasure.
import { randomUUID } from 'node:crypto';
import { readConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { toAppendRecord } from '../../log/runtime/event-records.ts';

async function withLedger<T>(body: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  try {
    return await body(ledger);
  } finally {
    await ledger.close();
  }
}

export function createTopics(): Promise<void> {
  return withLedger(async (ledger) => {
    const specs = ledgerTopics(ledger.config, ledger.codec.catalogue);
    await ledger.log.createTopics(specs);
    for (const spec of specs) console.log(`${spec.topic}\t${spec.partitions} partitions\treplication ${spec.replicationFactor ?? 1}`);
  });
}

export function describeTopic(topic: string): Promise<void> {
  return withLedger(async (ledger) => {
    const description = await ledger.log.describeTopic(topic);
    console.log('partition\tlow\thigh\trecords');
    for (const p of description.partitions) console.log(`${p.partition}\t${p.low}\t${p.high}\t${p.high - p.low}`);
  });
}

/** Erases a data subject: shreds its key, then records the erasure (without personal data) in the audit log. */
export function eraseSubject(subject: string, actor: string, reason: 'ERASURE_REQUEST' | 'RETENTION_EXPIRED' | 'OTHER', requestRef: string | null): Promise<void> {
  return withLedger(async (ledger) => {
    await ledger.keys.shred(subject);
    const now = Date.now();
    const event = {
      type: 'DataKeyShredded',
      metadata: {
        eventId: randomUUID(), eventType: 'DataKeyShredded', occurredAt: now, recordedAt: now, sourceSystem: 'new',
        interactionId: null, correlationId: null, causationId: null, producer: { component: 'cli/erase', version: '0.1.0' }, dataSubject: null,
      },
      data: { actorId: actor, role: 'COMPLIANCE', dataSubject: subject, reason, requestRef },
    };
    await ledger.log.append([await toAppendRecord(ledger.codec, event)]);
    console.log(`erased ${subject}: its personal fields now read as [erased] everywhere`);
  });
}
