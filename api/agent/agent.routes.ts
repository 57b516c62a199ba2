// The agent workstation: commands (each decided by agent-commands.decider.ts on the agent's and
// the interaction's recent events, read from the log), the agent's current view, the screen
// pop of an offered call and the agent's push stream. Commands of one agent are serialised in
// this process, so two clicks cannot both pass the same state check.
import { Router, type Request } from 'express';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { allow, principalOf } from '../http/auth.ts';
import { commandSchemas, validateBody } from '../http/body-schema.ts';
import { fail } from '../http/problem.ts';
import type { ApiMetrics } from '../http/metrics.ts';
import type { AuditTrail } from '../ledger/audit-trail.ts';
import type { InteractionAccess } from '../ledger/interaction-access.ts';
import type { LedgerIo } from '../ledger/ledger-io.ts';
import { agentStreamSelect } from '../push/agent-stream.ts';
import { screenPopOf } from '../push/screen-pop.ts';
import { openSseStream, type StreamParts } from '../push/sse-stream.ts';
import { historyFieldsRevealed } from '../queries/contact-summaries.ts';
import type { QueryPorts } from '../queries/query-ports.ts';
import { decide, evolve, initialState, interactionOf, type AgentCommand, type WorkstationState } from './agent-commands.decider.ts';

export interface AgentRouteParts {
  readonly now: () => number;
  readonly io: LedgerIo;
  readonly access: InteractionAccess;
  readonly audit: AuditTrail;
  readonly queries: QueryPorts;
  readonly stream: StreamParts;
  readonly metrics: ApiMetrics;
  /** How far back the agent's and the interaction's events are read (a shift). */
  readonly lookbackMs: number;
  /** How much of the recent log a fresh agent stream (no Last-Event-ID) replays: about one ring timeout. */
  readonly offerReplayMs: number;
}

class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

function agentIdOf(req: Request): string {
  const principal = principalOf(req);
  if (!principal.agentId) fail('forbidden', 'The token names no agent.');
  return principal.agentId;
}

export function agentRoutes(parts: AgentRouteParts): Router {
  const router = Router();
  const queue = new KeyedQueue();
  const agentsTopic = parts.io.codec.catalogue.get('AgentLoggedIn').topic;

  const loadState = async (agentId: string, interactionId: string | null): Promise<{ state: WorkstationState; interactionEvents: AnyLedgerEvent[] }> => {
    const since = parts.now() - parts.lookbackMs;
    const agentEvents = await parts.io.readKey(agentsTopic, agentId, since);
    const current = interactionId ?? [...agentEvents].reverse().find((e) => e.type === 'AgentStateChanged')?.metadata.interactionId ?? null;
    const fromState = agentEvents.reduce<string | null>((last, e) => (e.type === 'AgentStateChanged' ? e.data.interactionId : last), null);
    const ids = [...new Set([interactionId, current, fromState].filter((x): x is string => typeof x === 'string'))];
    // Decrypted for the comparison of the submitted ticket with the pre-fill; never returned from here.
    const raw = (await Promise.all(ids.map((id) => parts.access.events(id)))).flat();
    const interactionEvents = (await parts.access.reveal({ subject: agentId, role: 'agent', agentId, source: null }, raw)).events;
    const all = [...agentEvents, ...interactionEvents].sort((a, b) => a.metadata.occurredAt - b.metadata.occurredAt);
    return { state: all.reduce(evolve, initialState(agentId)), interactionEvents };
  };

  const execute = (req: Request, command: AgentCommand) => {
    const agentId = agentIdOf(req);
    return queue.run(agentId, async () => {
      const interactionId = interactionOf(command);
      const { state } = await loadState(agentId, interactionId);
      const decision = decide(command, state, { agentId, now: parts.now() });
      if (!decision.ok) {
        if (decision.kind === 'invalid') fail('validation', decision.reason, { errors: [{ field: '(command)', rule: 'command', message: decision.reason }] });
        fail(decision.kind === 'forbidden' ? 'forbidden' : 'conflict', decision.reason, { command: command.kind });
      }
      const written = await parts.io.write(decision.events.map((e) => ({
        type: e.type, data: e.data, interactionId: e.interactionId, dataSubject: e.interactionId ? state.interactions.get(e.interactionId)?.dataSubject ?? null : null,
      })));
      for (const e of written) parts.metrics.eventsIn.inc({ source: 'agent-command', type: e.type });
      return { command: command.kind, events: written.map((e) => ({ eventId: e.metadata.eventId, type: e.type })) };
    });
  };

  const agentOnly = allow('agent');
  for (const name of ['interactionId', 'offerId']) {
    router.param(name, (_req, _res, next, value: string) => {
      if (!/^[A-Za-z0-9._:/@-]{1,128}$/.test(value)) fail('validation', `${name} has characters that are not allowed.`, { errors: [{ field: name, rule: 'pattern', message: 'must match ^[A-Za-z0-9._:/@-]{1,128}$' }] });
      next();
    });
  }
  const body = <T>(req: Request): T => (req.body ?? {}) as T;

  router.post('/v1/agents/me/login', agentOnly, validateBody(commandSchemas.login), async (req, res) => {
    const b = body<{ site: string; station?: string | null; supervisorId?: string | null; cohort?: 'CURRENT' | 'CANDIDATE' | null; teams?: string[]; skills?: { skill: string; proficiency: number }[] }>(req);
    res.json(await execute(req, { kind: 'LogIn', data: { site: b.site, station: b.station ?? null, supervisorId: b.supervisorId ?? null, cohort: b.cohort ?? null, teams: b.teams ?? [], skills: b.skills ?? [] } }));
  });
  router.post('/v1/agents/me/logout', agentOnly, validateBody(commandSchemas.logout), async (req, res) => {
    res.json(await execute(req, { kind: 'LogOut', reason: body<{ reason?: 'END_OF_SHIFT' }>(req).reason ?? 'END_OF_SHIFT' }));
  });
  router.post('/v1/agents/me/state', agentOnly, validateBody(commandSchemas.state), async (req, res) => {
    const b = body<{ state: 'AVAILABLE' | 'BREAK' | 'TRAINING'; reasonCode?: string | null }>(req);
    res.json(await execute(req, { kind: 'ChangeState', state: b.state, reasonCode: b.reasonCode ?? null }));
  });
  router.post('/v1/agents/me/offers/:offerId/accept', agentOnly, validateBody(commandSchemas.accept), async (req, res) => {
    res.json(await execute(req, { kind: 'AcceptOffer', offerId: String(req.params.offerId), interactionId: body<{ interactionId: string }>(req).interactionId }));
  });
  router.post('/v1/agents/me/offers/:offerId/decline', agentOnly, validateBody(commandSchemas.decline), async (req, res) => {
    const b = body<{ interactionId: string; reasonCode?: string | null }>(req);
    res.json(await execute(req, { kind: 'DeclineOffer', offerId: String(req.params.offerId), interactionId: b.interactionId, reasonCode: b.reasonCode ?? null }));
  });
  router.post('/v1/agents/me/interactions/:interactionId/hold', agentOnly, validateBody(commandSchemas.hold), async (req, res) => {
    res.json(await execute(req, { kind: 'Hold', interactionId: String(req.params.interactionId), reasonCode: body<{ reasonCode?: string | null }>(req).reasonCode ?? null }));
  });
  router.post('/v1/agents/me/interactions/:interactionId/resume', agentOnly, validateBody(commandSchemas.empty), async (req, res) => {
    res.json(await execute(req, { kind: 'Resume', interactionId: String(req.params.interactionId) }));
  });
  router.post('/v1/agents/me/interactions/:interactionId/transfer', agentOnly, validateBody(commandSchemas.transfer), async (req, res) => {
    const b = body<{ mode: 'BLIND' | 'CONSULT'; targetKind: 'QUEUE' | 'AGENT' | 'IVR' | 'EXTERNAL'; targetQueueId?: string | null; targetAgentId?: string | null; targetExternalNumber?: string | null; reason?: string | null }>(req);
    res.json(await execute(req, {
      kind: 'Transfer', interactionId: String(req.params.interactionId),
      transfer: { mode: b.mode, targetKind: b.targetKind, targetQueueId: b.targetQueueId ?? null, targetAgentId: b.targetAgentId ?? null, targetExternalNumber: b.targetExternalNumber ?? null, reason: b.reason ?? null },
    }));
  });
  router.post('/v1/agents/me/interactions/:interactionId/conference', agentOnly, validateBody(commandSchemas.conference), async (req, res) => {
    const b = body<{ participants: { role: 'AGENT' | 'SUPERVISOR' | 'SPECIALIST' | 'EXTERNAL'; agentId?: string | null; externalNumber?: string | null }[] }>(req);
    res.json(await execute(req, {
      kind: 'StartConference', interactionId: String(req.params.interactionId),
      participants: b.participants.map((p) => ({ role: p.role, agentId: p.agentId ?? null, externalNumber: p.externalNumber ?? null })),
    }));
  });
  router.post('/v1/agents/me/interactions/:interactionId/hangup', agentOnly, validateBody(commandSchemas.empty), async (req, res) => {
    res.json(await execute(req, { kind: 'EndCall', interactionId: String(req.params.interactionId) }));
  });
  router.post('/v1/agents/me/interactions/:interactionId/wrap-up', agentOnly, validateBody(commandSchemas.wrapUp), async (req, res) => {
    const b = body<{ disposition: string; resolved: boolean; intent?: string | null; ticketId?: string | null; ticketFields?: { name: string; value: string }[]; followUpRequired?: boolean; nextState?: 'AVAILABLE' | 'BREAK' }>(req);
    res.json(await execute(req, {
      kind: 'CompleteWrapUp', interactionId: String(req.params.interactionId), disposition: b.disposition, resolved: b.resolved, intent: b.intent ?? null, ticketId: b.ticketId ?? null,
      ticketFields: b.ticketFields ?? [], followUpRequired: b.followUpRequired ?? false, nextState: b.nextState ?? 'AVAILABLE',
    }));
  });

  router.get('/v1/agents/me', agentOnly, async (req, res) => {
    const agentId = agentIdOf(req);
    const { state } = await loadState(agentId, null);
    const call = state.agent.interactionId ? state.interactions.get(state.agent.interactionId) : undefined;
    const ringing = [...state.interactions.values()].flatMap((c) => [...c.offers.values()].filter((o) => o.agentId === agentId && o.status === 'ringing').map((o) => ({ ...o, interactionId: c.interactionId })));
    res.json({
      agent: state.agent,
      call: call ? { interactionId: call.interactionId, connected: call.connectedAgentId === agentId, held: call.heldSince !== null, ended: call.endedAt !== null, prefill: call.prefill ? { intent: call.prefill.intent, fieldNames: call.prefill.fields.map((f) => f.name) } : null } : null,
      ringing,
    });
  });

  router.get('/v1/interactions/:interactionId/screen-pop', allow('agent', 'supervisor', 'compliance'), async (req, res) => {
    const principal = principalOf(req);
    const interactionId = String(req.params.interactionId);
    const { events, customerId } = await parts.access.read(principal, interactionId, { resource: 'GET /v1/interactions/{interactionId}/screen-pop', purpose: 'serving the call', requestId: String(res.locals.requestId ?? '') || null });
    const history = customerId && parts.queries.customerHistory ? await parts.queries.customerHistory(customerId, 10, principal.role) : null;
    const revealed = historyFieldsRevealed(principal.role, history);
    if (revealed.length > 0) {
      await parts.audit.record(principal, {
        resource: 'GET /v1/interactions/{interactionId}/screen-pop#history', action: 'READ', customerId, interactionId, purpose: 'serving the call', outcome: 'ALLOWED', fieldsRevealed: revealed,
        requestId: String(res.locals.requestId ?? '') || null,
      });
    }
    res.json(screenPopOf(interactionId, events, history));
  });

  router.get('/v1/agents/me/stream', agentOnly, async (req, res) => {
    const principal = principalOf(req);
    const { state } = await loadState(agentIdOf(req), null);
    const current = state.agent.interactionId ? [state.agent.interactionId] : [];
    const select = agentStreamSelect({ principal, access: parts.access, audit: parts.audit, queries: parts.queries, requestId: String(res.locals.requestId ?? ''), agentsTopic, current });
    // Without Last-Event-ID the stream replays the last ring timeout's worth of the log, so an
    // offer ringing while the page reloaded is shown again (only this agent's offers pass).
    await openSseStream(req, res, parts.stream, 'agent', [agentsTopic, parts.access.interactionsTopic], select, { replayFrom: parts.now() - parts.offerReplayMs });
  });

  return router;
}
