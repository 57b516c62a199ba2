// What the workstation shows, folded from the agent's push messages (pure: no DOM, no clock), so
// the page is a function of this state and the fold is tested without a browser.

export interface ScreenPop {
  readonly interactionId: string;
  readonly channel: string | null;
  readonly callerNumber: string | null;
  readonly customer: { readonly customerId: string; readonly name: string | null; readonly tier: string; readonly relationshipAgentId: string | null; readonly preferredLanguage: string | null } | null;
  readonly tier: string;
  readonly queueId: string | null;
  readonly intent: string | null;
  readonly ivrPath: readonly { readonly nodeId: string; readonly label: string | null; readonly depth: number }[];
  readonly ivrExit: { readonly reason: string; readonly durationMs: number } | null;
  readonly voiceprint: { readonly result: string; readonly score: number } | null;
  readonly riskAlerts: readonly Alert[];
  readonly ticketPrefill: Ticket | null;
  readonly history: readonly Readonly<Record<string, unknown>>[] | null;
}

export interface Alert {
  readonly alertId: string;
  readonly kind: string;
  readonly severity: string;
  readonly description: string | null;
  readonly recommendedAction: string;
}

export interface Ticket {
  readonly templateId: string;
  readonly intent: string | null;
  readonly fields: readonly { readonly name: string; readonly value: string }[];
}

export interface Offer {
  readonly offerId: string;
  readonly interactionId: string;
  readonly ringTimeoutMs: number;
}

export interface Call {
  readonly interactionId: string;
  readonly screenPop: ScreenPop | null;
  readonly connected: boolean;
  readonly held: boolean;
  readonly ended: boolean;
  readonly wrappedUp: boolean;
}

export interface WorkstationView {
  readonly agentState: string;
  readonly reasonCode: string | null;
  readonly offer: (Offer & { readonly screenPop: ScreenPop }) | null;
  readonly call: Call | null;
  readonly transcript: readonly { readonly eventId: string; readonly speaker: string; readonly text: string }[];
  readonly alerts: readonly Alert[];
  readonly scripts: readonly { readonly suggestionId: string; readonly text: string }[];
  readonly ticket: Ticket | null;
  readonly summary: string | null;
}

export const emptyView: WorkstationView = { agentState: 'OFFLINE', reasonCode: null, offer: null, call: null, transcript: [], alerts: [], scripts: [], ticket: null, summary: null };

/** A push message's `data` (docs/api.md, Push): the event with its type, interaction and data. */
export interface PushedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly interactionId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function withAlert(alerts: readonly Alert[], alert: Alert): readonly Alert[] {
  return alerts.some((a) => a.alertId === alert.alertId) ? alerts : [...alerts, alert];
}

/** The call the agent starts on when an offer is accepted or a page reload finds it on one. */
export function startCall(view: WorkstationView, interactionId: string, screenPop: ScreenPop | null): WorkstationView {
  return {
    ...view, offer: null,
    call: { interactionId, screenPop, connected: true, held: false, ended: false, wrappedUp: false },
    transcript: view.call?.interactionId === interactionId ? view.transcript : [],
    alerts: screenPop?.riskAlerts ?? [], scripts: [], ticket: screenPop?.ticketPrefill ?? null, summary: null,
  };
}

export function onOffer(view: WorkstationView, message: { offerId: string; interactionId: string; ringTimeoutMs: number; screenPop: ScreenPop }): WorkstationView {
  if (view.call && !view.call.wrappedUp && view.call.interactionId !== message.interactionId) return view;
  return { ...view, offer: { offerId: message.offerId, interactionId: message.interactionId, ringTimeoutMs: message.ringTimeoutMs, screenPop: message.screenPop } };
}

/** Folds one pushed event (agent-state, call-state, transcript, risk-alert, script, ticket-fields, summary, call-ended, offer-ended). */
export function onEvent(view: WorkstationView, e: PushedEvent): WorkstationView {
  const d = e.data;
  const onThisCall = view.call !== null && e.interactionId === view.call.interactionId;
  switch (e.type) {
    case 'AgentStateChanged':
      return { ...view, agentState: text(d.state), reasonCode: typeof d.reasonCode === 'string' ? d.reasonCode : null };
    case 'AgentLoggedIn':
      return { ...view, agentState: 'UNKNOWN', reasonCode: null };
    case 'AgentLoggedOut':
      return { ...emptyView, agentState: 'OFFLINE' };
    case 'OfferTimedOut': case 'OfferWithdrawn': case 'OfferDeclined':
      return view.offer && view.offer.offerId === d.offerId ? { ...view, offer: null } : view;
    case 'InteractionAnswered':
      if (view.offer && view.offer.interactionId === e.interactionId && e.interactionId) return startCall(view, e.interactionId, view.offer.screenPop);
      return view;
    default:
      break;
  }
  if (!onThisCall || !view.call) return view;
  const call = view.call;
  switch (e.type) {
    case 'InteractionHeld':
      return { ...view, call: { ...call, held: true } };
    case 'InteractionResumed':
      return { ...view, call: { ...call, held: false } };
    case 'InteractionEnded': case 'InteractionAbandoned': case 'InteractionTransferred':
      return { ...view, call: { ...call, connected: false, held: false, ended: true } };
    case 'WrapUpCompleted':
      return { ...view, call: { ...call, wrappedUp: true } };
    case 'TranscriptSegmentRecognized':
      return view.transcript.some((t) => t.eventId === e.eventId) ? view : { ...view, transcript: [...view.transcript, { eventId: e.eventId, speaker: text(d.speaker), text: text(d.text) }] };
    case 'RiskAlertRaised':
      return { ...view, alerts: withAlert(view.alerts, { alertId: text(d.alertId), kind: text(d.kind), severity: text(d.severity), description: typeof d.description === 'string' ? d.description : null, recommendedAction: text(d.recommendedAction) }) };
    case 'StepUpAuthenticationRequested': case 'SensitiveOperationBlocked':
      return { ...view, alerts: withAlert(view.alerts, { alertId: e.eventId, kind: e.type === 'SensitiveOperationBlocked' ? 'OPERATION_BLOCKED' : 'STEP_UP', severity: 'HIGH', description: e.type === 'SensitiveOperationBlocked' ? `Blocked ${text(d.kind)}: ${text(d.reason)}` : `Step-up authentication (${text(d.method)}): ${text(d.reason)}`, recommendedAction: e.type === 'SensitiveOperationBlocked' ? 'BLOCK_SENSITIVE_OPERATIONS' : 'STEP_UP_AUTHENTICATION' }) };
    case 'AgentAssistSuggested':
      return view.scripts.some((s) => s.suggestionId === d.suggestionId) ? view : { ...view, scripts: [...view.scripts, { suggestionId: text(d.suggestionId), text: text(d.text) }] };
    case 'TicketFieldsExtracted':
      return { ...view, ticket: { templateId: text(d.templateId), intent: typeof d.intent === 'string' ? d.intent : null, fields: Array.isArray(d.fields) ? (d.fields as { name: string; value: string }[]).map((f) => ({ name: f.name, value: f.value })) : [] } };
    case 'SummaryGenerated':
      return { ...view, summary: text(d.summary) || null };
    default:
      return view;
  }
}
