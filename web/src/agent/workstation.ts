/// <reference lib="dom" />
// The agent workstation page: sign in, log in with skills, state buttons with reason codes and
// the bank's keyboard shortcuts, the incoming offer with its screen pop, accept/decline, live
// transcript, risk alert banner, suggested scripts, the pre-filled ticket and wrap-up. Every
// button is an agent command route (/v1/agents/me/…); everything shown arrives by push
// (/v1/agents/me/stream), folded by workstation-state.ts.
import { api, ApiProblem, webSettings, type KeyBinding } from '../common/api.ts';
import { byId, el, render } from '../common/dom.ts';
import { openPush, type PushStatus } from '../common/push.ts';
import { signIn, signOut, type Session } from '../common/session.ts';
import { bindingFor, keyFor } from './keymap.ts';
import { screenPopView } from './screen-pop-view.ts';
import { emptyView, onEvent, onOffer, startCall, type PushedEvent, type ScreenPop, type WorkstationView } from './workstation-state.ts';

interface AgentMe {
  readonly agent: { readonly loggedIn: boolean; readonly state: string; readonly interactionId: string | null };
  readonly call: { readonly interactionId: string; readonly connected: boolean; readonly ended: boolean } | null;
}

let view: WorkstationView = emptyView;
let loggedIn = false;
let bindings: readonly KeyBinding[] = [];
let session: Session;
/** Ticket fields the agent typed over; a later pre-fill does not overwrite them. */
const edited = new Set<string>();

const notReasons = ['break', 'lunch', 'training', 'coaching', 'meeting', 'admin'];

function say(message: string, kind: 'info' | 'error' = 'info'): void {
  const status = byId('status-line');
  status.className = `status-line ${kind}`;
  render(status, message);
}

async function command(path: string, body: unknown = {}): Promise<boolean> {
  try {
    await api(session.token, 'POST', `/v1/agents/me${path}`, body);
    return true;
  } catch (error) {
    say(error instanceof ApiProblem ? error.message : `The command failed: ${(error as Error).message}`, 'error');
    return false;
  }
}

function label(action: string, text: string): string {
  const key = keyFor(bindings, action);
  return key ? `${text} (${key})` : text;
}

const actions: Readonly<Record<string, (binding?: KeyBinding) => Promise<void>>> = {
  ready: async () => {
    if (await command('/state', { state: 'AVAILABLE' })) say('Ready for calls.');
  },
  'not-ready': async (binding) => {
    const reasonCode = binding?.reasonCode ?? (byId<HTMLSelectElement>('reason-code').value);
    if (await command('/state', { state: 'BREAK', reasonCode })) say(`Not ready (${reasonCode}).`);
  },
  answer: async () => {
    const offer = view.offer;
    if (!offer) return say('There is no call ringing.', 'error');
    if (await command(`/offers/${encodeURIComponent(offer.offerId)}/accept`, { interactionId: offer.interactionId })) {
      update(startCall(view, offer.interactionId, offer.screenPop));
      say('Call answered.');
    }
  },
  decline: async () => {
    const offer = view.offer;
    if (!offer) return say('There is no call ringing.', 'error');
    if (await command(`/offers/${encodeURIComponent(offer.offerId)}/decline`, { interactionId: offer.interactionId, reasonCode: 'declined-by-agent' })) update({ ...view, offer: null });
  },
  hold: async () => {
    const call = view.call;
    if (!call || call.ended) return say('There is no call to hold.', 'error');
    if (await command(`/interactions/${encodeURIComponent(call.interactionId)}/${call.held ? 'resume' : 'hold'}`, {})) say(call.held ? 'Customer back from hold.' : 'Customer on hold.');
  },
  transfer: async () => {
    const call = view.call;
    if (!call || call.ended) return say('There is no call to transfer.', 'error');
    const queue = byId<HTMLInputElement>('transfer-queue').value.trim();
    if (!queue) {
      byId('transfer-queue').focus();
      return say('Type the queue to transfer to, then press transfer again.', 'error');
    }
    if (await command(`/interactions/${encodeURIComponent(call.interactionId)}/transfer`, { mode: 'BLIND', targetKind: 'QUEUE', targetQueueId: queue, reason: 'agent transfer' })) say(`Transferred to ${queue}; complete the wrap-up.`);
  },
  hangup: async () => {
    const call = view.call;
    if (!call || call.ended) return say('There is no call to end.', 'error');
    if (await command(`/interactions/${encodeURIComponent(call.interactionId)}/hangup`, {})) say('Call ended; complete the wrap-up.');
  },
  'wrap-up': async () => wrapUp(),
  logout: async () => {
    if (await command('/logout', { reason: 'END_OF_SHIFT' })) {
      loggedIn = false;
      update(emptyView);
      say('Logged out.');
    }
  },
};

async function wrapUp(): Promise<void> {
  const call = view.call;
  if (!call) return say('There is no call to wrap up.', 'error');
  if (!call.ended && !(await command(`/interactions/${encodeURIComponent(call.interactionId)}/hangup`, {}))) return;
  const fields = [...document.querySelectorAll<HTMLInputElement>('#ticket-fields input[data-field]')].map((input) => ({ name: input.dataset.field ?? '', value: input.value }));
  const disposition = byId<HTMLSelectElement>('disposition').value;
  const ok = await command(`/interactions/${encodeURIComponent(call.interactionId)}/wrap-up`, {
    disposition, resolved: byId<HTMLInputElement>('resolved').checked, intent: view.ticket?.intent ?? view.call?.screenPop?.intent ?? null,
    ticketFields: fields, followUpRequired: disposition === 'follow-up', nextState: 'AVAILABLE',
  });
  if (ok) {
    edited.clear();
    update({ ...emptyView, agentState: view.agentState });
    say(`Wrap-up completed: ticket with ${fields.length} field${fields.length === 1 ? '' : 's'} saved.`);
  }
}

function ticketForm(): HTMLElement {
  const ticket = view.ticket;
  const fields = ticket?.fields ?? [];
  return el('form', { id: 'wrap-up', class: 'wrap-up', onsubmit: (event: Event) => { event.preventDefault(); void wrapUp(); } },
    el('h3', {}, 'Ticket and wrap-up'),
    el('p', { class: 'muted', id: 'ticket-template' }, ticket ? `Template ${ticket.templateId}${ticket.intent ? ` · intent ${ticket.intent}` : ''} · pre-filled from the call` : 'No pre-fill yet: fields appear as the customer speaks.'),
    el('div', { id: 'ticket-fields' }, ...fields.map((f) => {
      const input = el('input', { id: `ticket-${f.name}`, 'data-field': f.name, value: f.value, oninput: () => edited.add(f.name) });
      return el('label', { class: 'ticket-field' }, el('span', {}, f.name), input);
    })),
    el('label', {}, 'Disposition ', el('select', { id: 'disposition' }, ...['resolved', 'follow-up', 'escalated', 'information-only'].map((d) => el('option', { value: d }, d)))),
    el('label', {}, el('input', { type: 'checkbox', id: 'resolved', checked: true }), ' resolved on this call'),
    el('button', { type: 'submit', id: 'complete-wrap-up', class: 'primary' }, label('wrap-up', 'Complete wrap-up')));
}

/** Keeps what the agent typed into the ticket when a new pre-fill arrives. */
function refreshTicket(): void {
  const current = document.getElementById('wrap-up');
  const typed = new Map([...document.querySelectorAll<HTMLInputElement>('#ticket-fields input[data-field]')].filter((i) => edited.has(i.dataset.field ?? '')).map((i) => [i.dataset.field ?? '', i.value]));
  const form = ticketForm();
  for (const [name, value] of typed) {
    const input = form.querySelector<HTMLInputElement>(`input[data-field="${CSS.escape(name)}"]`);
    if (input) input.value = value;
  }
  if (current) current.replaceWith(form);
  else byId('ticket').replaceChildren(form);
}

function offerView(offer: NonNullable<WorkstationView['offer']>): HTMLElement {
  return el('div', { class: 'offer ringing', id: 'offer-card' },
    el('h2', {}, `Incoming call · rings for ${Math.round(offer.ringTimeoutMs / 1000)} s`),
    screenPopView(offer.screenPop),
    el('div', { class: 'buttons' },
      el('button', { id: 'accept', class: 'primary', onclick: () => void actions.answer() }, label('answer', 'Accept')),
      el('button', { id: 'decline', onclick: () => void actions.decline() }, label('decline', 'Decline'))));
}

function callView(pop: ScreenPop | null): HTMLElement {
  const call = view.call;
  if (!call) return el('p', { class: 'muted' }, 'No call.');
  return el('div', { class: 'call' },
    el('h2', { id: 'call-heading' }, call.ended ? 'Call ended · wrap-up' : call.held ? 'On hold' : 'On the call'),
    pop ? screenPopView(pop) : null,
    el('div', { class: 'buttons' },
      el('button', { id: 'hold', disabled: call.ended, onclick: () => void actions.hold() }, label('hold', call.held ? 'Resume' : 'Hold')),
      el('input', { id: 'transfer-queue', placeholder: 'queue', 'aria-label': 'transfer to queue', disabled: call.ended }),
      el('button', { id: 'transfer', disabled: call.ended, onclick: () => void actions.transfer() }, label('transfer', 'Transfer')),
      el('button', { id: 'hangup', disabled: call.ended, onclick: () => void actions.hangup() }, label('hangup', 'Hang up'))));
}

function update(next: WorkstationView): void {
  const previousTicket = view.ticket;
  const previousCall = view.call?.interactionId;
  view = next;
  const state = byId('agent-state');
  state.dataset.state = view.agentState;
  render(state, loggedIn ? view.agentState + (view.reasonCode && view.agentState === 'BREAK' ? ` · ${view.reasonCode}` : '') : 'LOGGED OUT');
  byId('login-panel').hidden = loggedIn;
  byId('state-panel').hidden = !loggedIn;
  const banner = byId('risk-banner');
  banner.hidden = view.alerts.length === 0;
  render(banner, ...view.alerts.map((a) => el('div', { class: `alert severity-${a.severity.toLowerCase()}` }, el('strong', {}, `${a.severity} · ${a.kind}`), ' ', a.description ?? '', el('span', { class: 'action' }, ` → ${a.recommendedAction.replace(/_/g, ' ').toLowerCase()}`))));
  render(byId('offer'), view.offer ? offerView(view.offer) : null);
  render(byId('call'), callView(view.call?.screenPop ?? null));
  byId('in-call').hidden = view.call === null;
  render(byId('scripts'), ...(view.scripts.length === 0 ? [el('p', { class: 'muted' }, 'No suggestion.')] : view.scripts.map((s) => el('blockquote', { class: 'script' }, s.text))));
  render(byId('transcript'), ...view.transcript.map((t) => el('p', { class: `line speaker-${t.speaker.toLowerCase()}` }, el('b', {}, t.speaker === 'CUSTOMER' ? 'Customer' : t.speaker === 'AGENT' ? 'Agent' : t.speaker), ' ', t.text)));
  render(byId('summary'), view.summary ?? '');
  if (view.ticket !== previousTicket || view.call?.interactionId !== previousCall || !document.getElementById('wrap-up')) refreshTicket();
}

function pushed(data: Record<string, unknown>): void {
  update(onEvent(view, data as unknown as PushedEvent));
}

function setPushStatus(status: PushStatus): void {
  const badge = byId('push-status');
  badge.dataset.status = status;
  render(badge, status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : 'reconnecting…');
}

async function logIn(event: Event): Promise<void> {
  event.preventDefault();
  const skills = byId<HTMLInputElement>('login-skills').value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [skill, level] = s.split(':');
    return { skill: skill.trim(), proficiency: Number(level ?? 5) };
  });
  const teams = byId<HTMLInputElement>('login-teams').value.split(',').map((t) => t.trim()).filter(Boolean);
  if (await command('/login', { site: byId<HTMLInputElement>('login-site').value.trim(), skills, teams, station: byId<HTMLInputElement>('login-station').value.trim() || null })) {
    loggedIn = true;
    update({ ...view, agentState: 'UNKNOWN' });
    say(`Logged in. Press ${keyFor(bindings, 'ready') ?? 'Ready'} when ready for calls.`);
  }
}

function buildControls(): void {
  render(byId('state-panel'),
    el('button', { id: 'ready', class: 'primary', onclick: () => void actions.ready() }, label('ready', 'Ready')),
    el('select', { id: 'reason-code', 'aria-label': 'not-ready reason' }, ...notReasons.map((r) => el('option', { value: r }, r))),
    el('button', { id: 'not-ready', onclick: () => void actions['not-ready']() }, label('not-ready', 'Not ready')),
    el('button', { id: 'logout', onclick: () => void actions.logout() }, label('logout', 'Log out')));
  byId('login-form').addEventListener('submit', (event) => void logIn(event));
  render(byId('keymap'), ...bindings.map((b) => el('li', {}, el('kbd', {}, b.key), ` ${b.action}${b.reasonCode ? ` (${b.reasonCode})` : ''}`)));
  document.addEventListener('keydown', (event) => {
    const binding = bindingFor(bindings, event);
    if (!binding) return;
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (typing && binding.key.length === 1) return;
    event.preventDefault(); // F1 (help) and F5 (reload) belong to the workstation here
    if (loggedIn || binding.action === 'logout') void actions[binding.action]?.(binding);
  });
}

async function main(): Promise<void> {
  const settings = await webSettings();
  bindings = settings.keymap.bindings;
  const agentField = el('input', { id: 'demo-agent-id', value: 'A1024', 'aria-label': 'agent id' });
  session = await signIn('agent', 'sign-in', settings, { label: 'Get a demo agent token', request: () => ({ role: 'agent', agentId: agentField.value.trim() }), fields: [el('label', { for: 'demo-agent-id' }, 'Agent id '), agentField] });
  byId('workstation').hidden = false;
  render(byId('who'), `Agent ${session.agentId ?? session.subject}`);
  byId('sign-out').addEventListener('click', () => {
    signOut('agent');
    location.reload();
  });
  buildControls();
  const me = await api<AgentMe>(session.token, 'GET', '/v1/agents/me');
  loggedIn = me.agent.loggedIn;
  let start: WorkstationView = { ...emptyView, agentState: me.agent.state };
  if (me.call && !me.call.ended) {
    const pop = await api<ScreenPop>(session.token, 'GET', `/v1/interactions/${encodeURIComponent(me.call.interactionId)}/screen-pop`);
    start = startCall(start, me.call.interactionId, pop);
  }
  update(start);
  openPush({
    path: '/v1/agents/me/stream', token: session.token, onStatus: setPushStatus,
    handlers: {
      'agent-state': (data) => {
        if (data.type === 'AgentLoggedIn') loggedIn = true;
        if (data.type === 'AgentLoggedOut') loggedIn = false;
        pushed(data);
      },
      offer: (data) => update(onOffer(view, data as unknown as Parameters<typeof onOffer>[1])),
      'offer-ended': pushed, 'call-state': pushed, 'call-ended': pushed, transcript: pushed, 'risk-alert': pushed, script: pushed, 'ticket-fields': pushed, summary: pushed,
      error: (data) => say(`A pushed event could not be shown (${String(data.detail)}).`, 'error'),
    },
  });
}

main().catch((error: unknown) => say(`The workstation could not start: ${(error as Error).message}`, 'error'));
