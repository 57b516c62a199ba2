// The whole product for browser and end-to-end specs, as `call-ledger run` starts it on the
// embedded log — the real projections, routing, risk and QA/summary processors and the API —
// in a fresh PostgreSQL schema (and a fresh projection prefix) of the machine's test database,
// the API on a free port, with tokens per role.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { createLogger } from '../../platform/logger.ts';
import { ledgerTopics } from '../../platform/topics.ts';
import { watchSystemMode } from '../../platform/degradation/system-mode-watch.ts';
import { startComponent } from '../../cli/commands/run.ts';
import { projectionsComponent } from '../../projections/component.ts';
import { qaSummaryProcessorComponent, riskProcessorComponent } from '../../streams/risk/component.ts';
import { routingComponent } from '../../streams/routing/component.ts';
import { signToken, type Role, type TokenClaims } from '../../api/http/auth.ts';
import { startApi, type RunningApi } from '../../api/server.ts';
import { testConfig } from './api-harness.ts';
import { testDatabaseUrl } from './test-database.ts';

export interface TestProduct {
  readonly ledger: Ledger;
  readonly api: RunningApi;
  token(role: Role, extra?: Partial<TokenClaims>): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the product; `env` adds configuration (e.g. LEDGER_WEB_DIR, LEDGER_ROUTING_TICK_MS). */
export async function startTestProduct(env: Record<string, string> = {}): Promise<TestProduct> {
  const id = randomBytes(4).toString('hex');
  const schema = `product_${id}`;
  const prefix = `pp_${id}`;
  const config = testConfig(schema, { LEDGER_PROJECTIONS_PREFIX: prefix, LEDGER_API_READ_SCHEMA: `${prefix}_read`, ...env });
  const logger = createLogger(config.logLevel);
  const ledger = await openLedger(config, { warn: () => undefined });
  await ledger.log.createTopics(ledgerTopics(config, ledger.codec.catalogue));
  await ledger.codec.registerAll();
  const running: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const component of running.reverse()) await component.stop();
    await ledger.close();
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    const schemas = (await client.query<{ nspname: string }>(`select nspname from pg_namespace where nspname = $1 or nspname like $2`, [schema, `${prefix}\\_%`])).rows;
    for (const s of schemas) await client.query(`drop schema if exists "${s.nspname}" cascade`);
    await client.end();
  };
  try {
    // QA and summaries pause while the system mode sheds them, as `call-ledger run` has it.
    const modeWatch = await watchSystemMode({ log: ledger.log, codec: ledger.codec, pollMs: config.degradation.modePollMs });
    running.push(modeWatch);
    for (const component of [projectionsComponent, routingComponent, riskProcessorComponent, qaSummaryProcessorComponent]) running.push(await startComponent(component, ledger, logger, modeWatch));
    const api = await startApi(ledger, { port: 0, host: '127.0.0.1', heartbeatMs: 1000, onError: (error) => logger.error({ err: error }, 'api error') });
    running.push(api);
    return {
      ledger, api, stop,
      token: (role, extra = {}) => signToken(api.keys, { subject: `${role}-user`, role, ...(role === 'agent' ? { agentId: 'A1' } : {}), ...(role === 'ingest' ? { source: 'telephony' } : {}), ...extra }),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
