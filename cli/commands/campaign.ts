// `call-ledger campaign start|pause|resume|end`: outbound campaigns as control events on
// ledger.outbound (docs/outbound.md). `start` validates the campaign file (errors name the field
// and the rule, and nothing is appended), appends CampaignStarted, then imports the contact list
// (CSV under a mapping; resumable, rows on the do-not-call list or breaking a rule are rejected
// with their line). `end` reads the contacts and reached counts from the outbound_campaigns read model.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { campaignFigures } from '../../projections/outbound-campaigns/outbound-campaigns.queries.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { PostgresCheckpointStore } from '../../producers/importers/runtime/checkpoints.ts';
import { logSink } from '../../producers/importers/runtime/event-sink.ts';
import { parseContactListMapping, type ContactListMapping } from '../../producers/outbound/contact-mapping.ts';
import { importContacts } from '../../producers/outbound/import-contacts.ts';
import type { AnyLedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { parseCampaignConfig, type CampaignConfig } from '../../streams/outbound/campaign-config.ts';
import { RuleValidationError } from '../../streams/rules/rule-document.ts';
import { decisionNamespace, uuidV5 } from '../../streams/runtime/uuid-v5.ts';
import { outboundTopics } from '../../streams/outbound/outbound-service.ts';

export interface CampaignStartOptions {
  readonly file: string;
  readonly contacts?: string;
  readonly mapping?: string;
  readonly doNotCall?: string;
  readonly by: string;
}

/** Validates a document, printing every field error; exits 1 on any. */
function validated<T>(file: string, parse: (text: string) => T): T {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (!(error instanceof RuleValidationError)) throw error;
    for (const e of error.errors) console.error(`${file}: ${e.field}: ${e.message} [${e.rule}]`);
    process.exit(1);
  }
}

function controlEvent<T extends 'CampaignStarted' | 'CampaignPaused' | 'CampaignResumed' | 'CampaignEnded'>(type: T, data: LedgerEventMap[T], eventId: string = randomUUID()): AnyLedgerEvent {
  const now = Date.now();
  return {
    type,
    metadata: {
      eventId, eventType: type, occurredAt: now, recordedAt: now, sourceSystem: 'new', interactionId: null, correlationId: null, causationId: null,
      producer: { component: 'cli/campaign', version: '1' }, dataSubject: null,
    },
    data,
  } as AnyLedgerEvent;
}

async function append(ledger: Ledger, event: AnyLedgerEvent): Promise<string> {
  await ledger.log.createTopics(outboundTopics((topic) => topic, ledger.config.topicPartitions));
  const [result] = await ledger.log.append([{ topic: ledger.codec.catalogue.get(event.type).topic, key: ledger.codec.keyOf(event), value: await ledger.codec.encode(event) }]);
  return `${result.topic}/${result.partition}@${result.offset}`;
}

export async function campaignStartCommand(options: CampaignStartOptions): Promise<void> {
  if ((options.contacts === undefined) !== (options.mapping === undefined)) throw new Error('--contacts and --mapping go together');
  const config: CampaignConfig = validated(options.file, parseCampaignConfig);
  const mapping: ContactListMapping | undefined = options.mapping ? validated(options.mapping, (text) => parseContactListMapping(text)) : undefined;
  const doNotCall = new Set(options.doNotCall ? readFileSync(options.doNotCall, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0 && !line.startsWith('#')) : []);
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  try {
    // The id is the campaign and version: starting the same version again is a duplicate every reader drops.
    const started = controlEvent('CampaignStarted', {
      campaignId: config.campaignId, campaignVersion: config.version, name: config.name, purpose: config.purpose, dialMode: config.dialMode,
      config: JSON.stringify(config), maxDropRate: config.abandonCap.rate, startedBy: options.by,
    }, uuidV5(`campaign-started/${config.campaignId}/${config.version}`, decisionNamespace));
    console.log(`started campaign ${config.campaignId} version ${config.version} (${config.dialMode}, cap ${config.abandonCap.rate}) at ${await append(ledger, started)}`);
    if (!options.contacts || !mapping) return;
    const checkpoints = new PostgresCheckpointStore(ledger.pool, ledger.config.dbSchema);
    await checkpoints.migrate();
    let shown = 0;
    const report = await importContacts({
      file: options.contacts,
      settings: { config, mapping, doNotCall, now: Date.now() },
      sink: logSink({ log: ledger.log, codec: ledger.codec }),
      checkpoints,
      onRejected: (line, reason) => {
        if (shown++ < 50) console.error(`${options.contacts}:${line}: rejected: ${reason}`);
      },
    });
    const { checkpoint, ...run } = report;
    console.log(JSON.stringify({ campaignId: config.campaignId, contacts: options.contacts, ...run, total: checkpoint }, null, 2));
  } finally {
    await ledger.close();
  }
}

export async function campaignPauseCommand(campaignId: string, options: { reason: string; by: string }): Promise<void> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  try {
    console.log(`paused ${campaignId} at ${await append(ledger, controlEvent('CampaignPaused', { campaignId, reason: options.reason, pausedBy: options.by, automatic: false }))}`);
  } finally {
    await ledger.close();
  }
}

export async function campaignResumeCommand(campaignId: string, options: { by: string }): Promise<void> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  try {
    console.log(`resumed ${campaignId} at ${await append(ledger, controlEvent('CampaignResumed', { campaignId, resumedBy: options.by }))}`);
  } finally {
    await ledger.close();
  }
}

export async function campaignEndCommand(campaignId: string, options: { reason: LedgerEventMap['CampaignEnded']['reason']; by: string }): Promise<void> {
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  const knex = openKnex(ledger.databaseUrl);
  try {
    const readSchema = new ProjectionStore(knex, ledger.config.projections.schemaPrefix).readSchema;
    const now = Date.now();
    const [figures] = await campaignFigures(knex, readSchema, { from: 0, to: now + 1, now, campaignId });
    if (!figures) throw new Error(`campaign '${campaignId}': not in the outbound_campaigns read model (never started, or the projections have not caught up)`);
    const ended = controlEvent('CampaignEnded', { campaignId, reason: options.reason, endedBy: options.by, contactsTotal: figures.contacts, contactsReached: figures.agentContacts });
    console.log(`ended ${campaignId} (${figures.contacts} contacts, ${figures.agentContacts} reached) at ${await append(ledger, ended)}`);
  } finally {
    await knex.destroy();
    await ledger.close();
  }
}
