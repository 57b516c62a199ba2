// The OpenAPI 3.1 description of every route (a spec checks each registered express route is
// here). Request bodies reuse the ajv schemas the routes validate with; ingest event schemas
// are the Avro-derived JSON Schemas of the catalogue.
import type { Catalogue } from '../../schemas/catalogue.ts';
import type { JsonEventValidator } from '../../schemas/validation/json-event-validator.ts';
import { commandSchemas, type JsonSchema } from '../http/body-schema.ts';
import type { Role } from '../http/auth.ts';
import { demoTokenSchema } from '../web/web.routes.ts';
import { replaySchemas } from '../ops/replay.routes.ts';
import { campaignCommandSchemas } from '../ops/campaign.routes.ts';
import { campaignConfigSchema } from '../../streams/outbound/campaign-config.ts';

interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Roles allowed; empty = no token needed. */
  readonly roles: readonly Role[];
  readonly body?: JsonSchema | { readonly $ref: string };
  readonly query?: readonly { readonly name: string; readonly description: string; readonly schema?: JsonSchema }[];
  readonly responses: Readonly<Record<string, string>>;
  readonly produces?: readonly string[];
}

const problems = { 401: 'No valid bearer token (missing, forged, expired)', 403: 'Wrong role, or not this agent\'s customer' };
const listQuery = [
  { name: 'from', description: 'Start (ISO-8601 or epoch ms); default 24 h ago' },
  { name: 'to', description: 'End (exclusive); default now' },
  { name: 'limit', description: 'Page size 1..10000 (default 100)', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
  { name: 'after', description: 'Cursor of the next page (from `next`)' },
  { name: 'format', description: '`csv` for a CSV export (or Accept: text/csv)', schema: { enum: ['json', 'csv'] } },
];
const agentCommand = (path: string, summary: string, body: JsonSchema): Operation => ({
  method: 'post', path, summary, tag: 'agent', roles: ['agent'], body,
  responses: { 200: 'Events appended (durably) for the command', 409: 'Refused: illegal in the current state (the reason is in detail)', 422: 'Invalid command', ...problems },
});

export const operations: readonly Operation[] = [
  { method: 'get', path: '/health', summary: 'Liveness', tag: 'ops', roles: [], responses: { 200: 'The process is up' } },
  { method: 'get', path: '/ready', summary: 'Readiness: log, database, schema registry, consumer lag', tag: 'ops', roles: [], responses: { 200: 'Ready or degraded', 503: 'A dependency failed' } },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'ops', roles: [], responses: { 200: 'Prometheus text format' }, produces: ['text/plain'] },
  { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'ops', roles: [], responses: { 200: 'OpenAPI 3.1' } },
  { method: 'get', path: '/web/settings', summary: 'Settings of the web pages: the workstation keymap, whether demo tokens are on', tag: 'web', roles: [], responses: { 200: '{ keymap: { bindings: [{ key, action, reasonCode? }] }, demoTokens }' } },
  {
    method: 'post', path: '/web/demo-tokens', summary: 'Development only (LEDGER_WEB_DEMO_TOKENS=on, loopback callers): a one-hour token for the pages (agent, supervisor, ingest)', tag: 'web', roles: [], body: demoTokenSchema,
    responses: { 201: '{ token, role, expiresAt }', 403: 'Not from the API\'s own machine', 404: 'Demo tokens are off', 422: 'Invalid role, agentId or source' },
  },
  {
    method: 'post', path: '/v1/events', summary: 'Ingest one event (telephony, IVR, speech, biometrics)', tag: 'ingest', roles: ['ingest'], body: { $ref: '#/components/schemas/IngestEvent' },
    responses: { 201: 'Durably appended', 200: 'Duplicate of an accepted eventId: not appended again; original position', 409: 'Same eventId being appended by another request (retry)', 413: 'Body too large', 415: 'Not JSON', 422: 'Invalid: errors name field and rule', 429: 'Source over its rate limit (Retry-After)', ...problems },
  },
  {
    method: 'post', path: '/v1/events/batch', summary: 'Ingest a batch of events (all validated before any is appended)', tag: 'ingest', roles: ['ingest'],
    body: { type: 'object', required: ['events'], properties: { events: { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/components/schemas/IngestEvent' } } } },
    responses: { 200: 'Every event durably appended or recognised as duplicate (per-event results)', 413: 'Body or batch too large', 422: 'Some events invalid (errors[].field is events[i].…); nothing appended', 429: 'Rate limited', ...problems },
  },
  agentCommand('/v1/agents/me/login', 'Log in (skills, teams, site)', commandSchemas.login),
  agentCommand('/v1/agents/me/logout', 'Log out', commandSchemas.logout),
  agentCommand('/v1/agents/me/state', 'Change state (AVAILABLE, BREAK, TRAINING) with a reason code', commandSchemas.state),
  agentCommand('/v1/agents/me/offers/{offerId}/accept', 'Accept (answer) an offer', commandSchemas.accept),
  agentCommand('/v1/agents/me/offers/{offerId}/decline', 'Decline an offer', commandSchemas.decline),
  agentCommand('/v1/agents/me/interactions/{interactionId}/hold', 'Put the customer on hold', commandSchemas.hold),
  agentCommand('/v1/agents/me/interactions/{interactionId}/resume', 'Take the customer off hold', commandSchemas.empty),
  agentCommand('/v1/agents/me/interactions/{interactionId}/transfer', 'Transfer (blind or consult) to a queue, agent, IVR or external number', commandSchemas.transfer),
  agentCommand('/v1/agents/me/interactions/{interactionId}/conference', 'Start a three-way conference', commandSchemas.conference),
  agentCommand('/v1/agents/me/interactions/{interactionId}/hangup', 'End the call (agent hang-up); the agent goes to wrap-up', commandSchemas.empty),
  agentCommand('/v1/agents/me/interactions/{interactionId}/wrap-up', 'Complete wrap-up with the (pre-filled) ticket', commandSchemas.wrapUp),
  { method: 'get', path: '/v1/agents/me', summary: 'The agent\'s state, current call and ringing offers', tag: 'agent', roles: ['agent'], responses: { 200: 'Workstation view', ...problems } },
  {
    method: 'get', path: '/v1/agents/me/stream', summary: 'Server-sent events for the agent: agent-state, offer (with screen pop), call-state, transcript, risk-alert, script, ticket-fields, summary, call-ended, offer-ended', tag: 'push', roles: ['agent'],
    query: [{ name: 'access_token', description: 'Bearer token for EventSource (which cannot set headers)' }, { name: 'lastEventId', description: 'Resume position when the Last-Event-ID header cannot be set' }],
    responses: { 200: 'text/event-stream; each message id is a resumable log position', ...problems }, produces: ['text/event-stream'],
  },
  {
    method: 'get', path: '/v1/supervisor/stream', summary: 'Server-sent events for supervisors: queue, agent-state, alert, system-mode', tag: 'push', roles: ['supervisor'],
    query: [{ name: 'access_token', description: 'Bearer token for EventSource' }, { name: 'lastEventId', description: 'Resume position' }],
    responses: { 200: 'text/event-stream', ...problems }, produces: ['text/event-stream'],
  },
  { method: 'get', path: '/v1/interactions/{interactionId}/screen-pop', summary: 'Screen pop of an interaction (customer, tier, IVR path, intent, risk, ticket pre-fill, history)', tag: 'agent', roles: ['agent', 'supervisor', 'compliance'], responses: { 200: 'Screen pop; the read is audited (DataAccessed)', 404: 'Unknown interaction', ...problems } },
  { method: 'get', path: '/v1/customers/{customerId}/history', summary: 'A customer\'s past contacts (agents: only through a call offered to them, ?interactionId=)', tag: 'agent', roles: ['agent', 'compliance'], query: [{ name: 'interactionId', description: 'The offered call (agents)' }], responses: { 200: 'Contacts', 501: 'Customer-history read model not available yet', ...problems } },
  { method: 'get', path: '/v1/wallboard/queues', summary: 'Live queues now (waiting, ringing, longest wait, agents by state)', tag: 'supervisor', roles: ['supervisor', 'analyst', 'ops'], responses: { 200: 'Queues', 501: 'Not available yet', ...problems } },
  { method: 'get', path: '/v1/wallboard/agents', summary: 'Logged-in agents by state per skill', tag: 'supervisor', roles: ['supervisor', 'analyst', 'ops'], responses: { 200: 'Skills with agents by state', 501: 'Not available yet', ...problems } },
  { method: 'get', path: '/v1/wallboard/rolling', summary: 'Rolling figures per queue (service level, abandon rate, ASA) over the last minutes', tag: 'supervisor', roles: ['supervisor', 'analyst', 'ops'], query: [{ name: 'windowMinutes', description: '15..1440 (default 60)', schema: { type: 'integer', minimum: 15, maximum: 1440 } }], responses: { 200: 'Per-queue figures', 422: 'Invalid window', 501: 'Not available yet', ...problems } },
  { method: 'get', path: '/v1/analytics/kpis', summary: 'KPIs by interval, queue, tier and source', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'intervalMinutes', description: '1..1440' }, { name: 'queueId', description: 'Filter' }, { name: 'tier', description: 'Filter' }, { name: 'source', description: 'Filter (source system)' }], responses: { 200: 'Page of rows (JSON or CSV)', 422: 'Invalid filter', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/analytics/agents', summary: 'Agent profiles per agent and ISO week (local time): calls handled, handle time split, first-contact resolution, transfers out, QA score and findings by category, ring-no-answers, occupancy, time per state', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'agentId', description: 'Filter' }, { name: 'team', description: 'Filter (team of the agent\'s last login)' }, { name: 'site', description: 'Filter (site of the agent\'s last login)' }], responses: { 200: 'Page of rows, one per agent and week (JSON or CSV)', 422: 'Invalid filter or cursor', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/analytics/ivr-funnel', summary: 'IVR funnel per node and local day: entries, exits by reason (next node, to agent, self-service, hang-up, zero-out, input failed, other), input failures, median and mean time in node', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'flowId', description: 'Filter' }], responses: { 200: 'Page of rows (JSON or CSV)', 422: 'Invalid filter', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/analytics/ivr-funnel/abandon-paths', summary: 'Node paths of calls that hung up in the IVR or abandoned in queue, summed over the local days of the range, most calls first (the first page is the top N)', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'flowId', description: 'Filter (the flow the call entered by)' }], responses: { 200: 'Page of rows (JSON or CSV)', 422: 'Invalid filter', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/analytics/outbound-campaigns', summary: 'Outbound campaigns started in the range: contacts, attempts, results, connects, drops, abandon rate (drops ÷ connects), calls agents took, right-party contacts, promises to pay, disputes, wrong numbers, agent idle time and contacts per agent hour of the campaign\'s agent group', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'campaignId', description: 'Filter' }], responses: { 200: 'Page of rows (JSON or CSV)', 422: 'Invalid filter', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/analytics/intents', summary: 'Intents per local day, most calls first, with share of the day\'s calls and trend against the 7 days before', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'queueId', description: 'Filter (the first queue of the call)' }, { name: 'channel', description: 'Filter (VOICE, CHAT, …)' }, { name: 'top', description: 'Keep the first N intents of each day (0 = all, default)', schema: { type: 'integer', minimum: 0, maximum: 1000 } }], responses: { 200: 'Page of rows (JSON or CSV)', 422: 'Invalid filter', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/analytics/questions', summary: 'Customer question categories per local day (codes of the question taxonomy, never the words), most questions first, with the calls that asked, share of the day\'s questions and trend against the 7 days before', tag: 'analyst', roles: ['analyst', 'supervisor', 'ops'], query: [...listQuery, { name: 'queueId', description: 'Filter (the first queue of the call)' }, { name: 'channel', description: 'Filter (VOICE, CHAT, …)' }, { name: 'top', description: 'Keep the first N categories of each day (0 = all, default)', schema: { type: 'integer', minimum: 0, maximum: 1000 } }], responses: { 200: 'Page of rows (JSON or CSV)', 422: 'Invalid filter', 501: 'Not available yet', ...problems }, produces: ['application/json', 'text/csv'] },
  { method: 'get', path: '/v1/compliance/interactions/{interactionId}/timeline', summary: 'Interaction timeline from the log: decoded events, deciding policy versions, hash chain', tag: 'compliance', roles: ['compliance', 'supervisor'], query: [{ name: 'from', description: 'Start (default: look-back window)' }, { name: 'format', description: '`ndjson` to export' }, { name: 'purpose', description: 'Declared purpose (audited)' }], responses: { 200: 'Timeline', 404: 'Unknown interaction', ...problems }, produces: ['application/json', 'application/x-ndjson'] },
  { method: 'get', path: '/v1/compliance/interactions/{interactionId}/audit-trail', summary: 'Audit trail of an interaction: its decisions (inputs, policy versions) and the accesses to its data, in hash chains, with the chains verified (first broken row of each)', tag: 'compliance', roles: ['compliance'], query: [{ name: 'purpose', description: 'Declared purpose (audited)' }], responses: { 200: 'Rows and verification', 404: 'No rows for the interaction', 501: 'Audit-trail read model not available yet', ...problems } },
  { method: 'get', path: '/v1/compliance/customers/{customerId}/timeline', summary: 'Customer timeline: their interactions and who read their data', tag: 'compliance', roles: ['compliance'], query: [{ name: 'from', description: 'Start' }, { name: 'to', description: 'End' }, { name: 'format', description: '`ndjson` to export' }, { name: 'purpose', description: 'Declared purpose' }], responses: { 200: 'Timeline', 422: 'Range too long to scan', ...problems }, produces: ['application/json', 'application/x-ndjson'] },
  { method: 'get', path: '/v1/ops/lag', summary: 'Consumer lag per group and topic', tag: 'ops', roles: ['ops', 'supervisor'], responses: { 200: 'Readings', ...problems } },
  { method: 'get', path: '/v1/ops/system-mode', summary: 'Current system mode of a scope', tag: 'ops', roles: ['ops', 'supervisor'], query: [{ name: 'scope', description: 'GLOBAL (default) or a site' }], responses: { 200: 'Mode', ...problems } },
  { method: 'post', path: '/v1/ops/system-mode', summary: 'Switch system mode (NORMAL, DEGRADED, EMERGENCY): appends SystemModeChanged', tag: 'ops', roles: ['ops'], body: commandSchemas.systemMode, responses: { 201: 'Mode changed', 409: 'Already in that mode', 422: 'Invalid', ...problems } },
  { method: 'post', path: '/v1/ops/campaigns', summary: 'Start an outbound campaign (or a new version of it) from its configuration document (docs/outbound.md): appends CampaignStarted', tag: 'ops', roles: ['ops', 'supervisor'], body: campaignConfigSchema, responses: { 201: 'Campaign started', 422: 'Invalid configuration (each field and rule)', ...problems } },
  { method: 'post', path: '/v1/ops/campaigns/{campaignId}/pause', summary: 'Pause an outbound campaign (no new dials; calls in progress finish): appends CampaignPaused', tag: 'ops', roles: ['ops', 'supervisor'], body: campaignCommandSchemas.pause, responses: { 201: 'Paused', 422: 'Invalid', ...problems } },
  { method: 'post', path: '/v1/ops/campaigns/{campaignId}/resume', summary: 'Resume a paused outbound campaign: appends CampaignResumed', tag: 'ops', roles: ['ops', 'supervisor'], body: campaignCommandSchemas.resume, responses: { 201: 'Resumed', 422: 'Invalid', ...problems } },
  { method: 'post', path: '/v1/ops/projections/{projection}/rebuild', summary: 'Rebuild a read model (or all) from the log into a fresh version and swap it in, as a background job', tag: 'ops', roles: ['ops'], responses: { 202: 'Job started (Location: the job)', 404: 'Unknown read model', 409: 'A rebuild of it is already running', 501: 'No replay runtime in this process', ...problems } },
  { method: 'post', path: '/v1/ops/redrive', summary: 'Re-drive an offset or time range of a topic into a target topic, counted first; dryRun only counts (background job)', tag: 'ops', roles: ['ops'], body: replaySchemas.redrive, responses: { 202: 'Job started (Location: the job)', 422: 'Invalid range or target', 501: 'No replay runtime in this process', ...problems } },
  { method: 'post', path: '/v1/ops/what-if', summary: 'Replay a period through a candidate routing policy or risk/QA rule set in memory; KPI or alert/finding differences (background job)', tag: 'ops', roles: ['ops'], body: replaySchemas.whatIf, responses: { 202: 'Job started (Location: the job)', 422: 'Invalid candidate or period', 501: 'No replay runtime in this process', ...problems } },
  { method: 'get', path: '/v1/ops/jobs', summary: 'Replay jobs of every API process (running ones and the latest finished), newest first', tag: 'ops', roles: ['ops'], responses: { 200: 'Jobs', ...problems } },
  { method: 'get', path: '/v1/ops/jobs/{id}', summary: 'A replay job: status, progress, result or error', tag: 'ops', roles: ['ops'], responses: { 200: 'The job', 404: 'No such job', ...problems } },
];

const problemSchema = {
  type: 'object', required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['field', 'rule', 'message'], properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } } } },
  },
};

export function openApiDocument(validator: JsonEventValidator, catalogue: Catalogue): Record<string, unknown> {
  const eventSchemas: Record<string, unknown> = {};
  for (const d of catalogue.all) eventSchemas[`Event_${d.type}`] = validator.schemaFor(d.type);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:/@-]{1,128}$' } })),
      ...(op.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema ?? { type: 'string' } })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(op.responses)) {
      const ok = Number(status) < 400;
      responses[status] = ok
        ? { description, content: Object.fromEntries((op.produces ?? ['application/json']).map((t) => [t, {}])) }
        : { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    }
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary, tags: [op.tag], operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-roles': op.roles,
      security: op.roles.length > 0 ? [{ bearer: [] }] : [],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Call Ledger API', version: '0.1.0', description: 'Ingest, agent workstation, push streams, analyst and compliance queries, operations. Errors are RFC 9457 problem details. See docs/api.md.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256; claims sub, role (agent, supervisor, analyst, compliance, ops, ingest), agentId (agents), source (ingest)' } },
      schemas: {
        Problem: problemSchema,
        IngestEvent: { description: 'Any catalogue event; recordedAt and producer are stamped by the server', oneOf: catalogue.all.map((d) => ({ $ref: `#/components/schemas/Event_${d.type}` })) },
        ...eventSchemas,
      },
    },
  };
}
