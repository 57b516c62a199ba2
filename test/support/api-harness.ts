// Wiring for API specs (api/*.int|e2e.spec.ts) and the benchmark: a ledger on the embedded log in a fresh PostgreSQL
// schema (the machine's test database), the API listening on a free port, tokens per role, a
// small SSE client, and JSON events built from the catalogue samples.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { readConfig, type LedgerConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { sampleEvent } from '../../schemas/fixtures/samples.ts';
import type { LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { testDatabaseUrl } from './test-database.ts';
import type { ApiLimits } from '../../api/app.ts';
import { signToken, type Role, type TokenClaims } from '../../api/http/auth.ts';
import type { QueryPorts } from '../../api/queries/query-ports.ts';
import { startApi, type RunningApi } from '../../api/server.ts';

export const testSecret = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface TestApi {
  readonly ledger: Ledger;
  readonly api: RunningApi;
  readonly schema: string;
  token(role: Role, extra?: Partial<TokenClaims>): Promise<string>;
  close(): Promise<void>;
}

export function testConfig(schema: string, overrides: Record<string, string> = {}): LedgerConfig {
  return readConfig({
    LEDGER_LOG: 'embedded', LEDGER_DATABASE_URL: testDatabaseUrl(), LEDGER_DB_SCHEMA: schema, LEDGER_MASTER_KEY: randomBytes(32).toString('base64'),
    LEDGER_TOPIC_PARTITIONS: '3', LEDGER_API_JWT_SECRET: testSecret, LEDGER_API_PORT: '0', LEDGER_API_LAG_GROUPS: 'projections', LEDGER_LOG_LEVEL: 'warn', ...overrides,
  });
}

export async function openTestApi(options: { limits?: Partial<ApiLimits>; queries?: QueryPorts | ((ledger: Ledger) => QueryPorts); schema?: string; configOverrides?: Record<string, string> } = {}): Promise<TestApi> {
  const schema = options.schema ?? `api_test_${randomBytes(4).toString('hex')}`;
  const config = testConfig(schema, options.configOverrides);
  const ledger = await openLedger(config, { warn: () => undefined });
  await ledger.log.createTopics(ledgerTopics(config, ledger.codec.catalogue));
  await ledger.codec.registerAll();
  // jwtSecret signs only when the configuration has none (specs of the development mode unset it).
  const api = await startApi(ledger, { port: 0, host: '127.0.0.1', limits: options.limits, queries: typeof options.queries === 'function' ? options.queries(ledger) : options.queries ?? {}, heartbeatMs: 1000, onError: () => undefined, jwtSecret: testSecret });
  return {
    ledger, api, schema,
    token: (role, extra = {}) => signToken(api.keys, { subject: `${role}-user`, role, ...(role === 'agent' ? { agentId: 'A1' } : {}), ...(role === 'ingest' ? { source: 'telephony' } : {}), ...extra }),
    async close() {
      await api.stop();
      await ledger.close();
      const client = new pg.Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}

/** A JSON event as an engine would post it: a catalogue sample with fresh ids and the given overrides. */
export function jsonEvent<T extends LedgerEventType>(type: T, options: { interactionId?: string | null; data?: Partial<LedgerEventMap[T]>; eventId?: string; occurredAt?: number; dataSubject?: string | null } = {}): Record<string, unknown> {
  const sample = sampleEvent(type);
  const { recordedAt: _r, producer: _p, ...metadata } = sample.metadata;
  const interactionId = options.interactionId === undefined ? sample.metadata.interactionId : options.interactionId;
  return {
    type,
    metadata: {
      ...metadata, eventId: options.eventId ?? randomUUID(), occurredAt: options.occurredAt ?? Date.now(), interactionId,
      dataSubject: options.dataSubject === undefined ? (sample.metadata.dataSubject ? `customer:${interactionId}` : null) : options.dataSubject,
    },
    data: { ...sample.data, ...(type === 'InteractionStarted' && interactionId ? { interactionId } : {}), ...options.data },
  };
}

export interface SseMessage {
  readonly id: string | null;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** A minimal EventSource over fetch: collects messages, waits for one that matches. */
export async function openSse(url: string, token: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  const messages: SseMessage[] = [];
  const waiters: { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }[] = [];
  if (!response.body) throw new Error(`no stream: ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) return;
        buffer += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let id: string | null = null;
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;
          const message = { id, event, data: JSON.parse(data) as Record<string, unknown> };
          messages.push(message);
          for (const w of [...waiters]) {
            if (w.match(message)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(message);
            }
          }
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    messages,
    /** The first message (already received or coming) that matches. */
    next(match: (m: SseMessage) => boolean): Promise<SseMessage> {
      const seen = messages.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    /** The id of the last message that carried one. */
    lastId(): string | null {
      return [...messages].reverse().find((m) => m.id !== null)?.id ?? null;
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}
