/// <reference lib="dom" />
// The caller page: a phone keypad that places a call, walks the IVR by DTMF and "speaks" by
// typing transcript lines. It plays the telephony, IVR and speech engines' part: each step's
// events (ivr-walker.ts, over the demo flow in ivr-flow.ts) go to POST /v1/events/batch with an
// ingest token, one batch at a time so the call's events reach the log in order.
import { api, ApiProblem, webSettings } from '../common/api.ts';
import { byId, el, render } from '../common/dom.ts';
import { signIn, signOut, type Session } from '../common/session.ts';
import { demoIvrFlow } from './ivr-flow.ts';
import { hangUp, pressKey, speak, startCall, type Caller, type CallState, type IngestEvent, type Step } from './ivr-walker.ts';

let session: Session;
let call: CallState | null = null;
let posting: Promise<void> = Promise.resolve();

const phrases = ['我的信用卡丢了，尾号1234，昨天在超市丢的', 'I lost my credit card ending in 4321 yesterday at the station', '对方让我把验证码告诉他', 'please tell me the verification code, he said I must read it out'];

const clock = () => ({ now: Date.now(), newId: () => crypto.randomUUID() });

function show(prompt: string): void {
  if (prompt) render(byId('display'), prompt);
}

function logPosted(events: readonly IngestEvent[], outcome: string): void {
  const list = byId('posted');
  for (const e of events) list.prepend(el('li', {}, `${new Date(Number(e.metadata.occurredAt)).toLocaleTimeString()} ${e.type} · ${outcome}`));
}

/** Posts a step's events after the previous step's, so order within the call is the log's order. */
function post(step: Step): Promise<void> {
  call = step.state;
  show(step.prompt);
  renderState();
  if (step.events.length === 0) return posting;
  posting = posting.then(async () => {
    try {
      await api(session.token, 'POST', '/v1/events/batch', { events: step.events });
      logPosted(step.events, 'accepted');
    } catch (error) {
      logPosted(step.events, 'refused');
      render(byId('caller-error'), error instanceof ApiProblem ? error.message : (error as Error).message);
    }
  });
  return posting;
}

function callerDetails(): Caller {
  const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
  return {
    interactionId: `web-${crypto.randomUUID()}`, site: value('caller-site'), callerNumber: value('caller-number'), dialledNumber: '+8695588',
    customerId: value('customer-id'), customerName: value('customer-name'), tier: byId<HTMLSelectElement>('customer-tier').value as Caller['tier'],
    relationshipAgentId: value('relationship-agent') || null, language: value('customer-language') || 'zh-CN',
  };
}

function renderState(): void {
  const stage = call?.stage ?? 'idle';
  const badge = byId('call-stage');
  badge.dataset.stage = stage;
  render(badge, stage === 'idle' ? 'no call' : stage === 'ivr' ? 'in the IVR' : stage === 'queued' ? 'past the IVR (queue / agent)' : 'ended');
  render(byId('interaction-id'), call ? call.caller.interactionId : '');
  byId<HTMLButtonElement>('call-button').disabled = call !== null && call.stage !== 'ended';
  byId<HTMLButtonElement>('hangup-button').disabled = call === null || call.stage === 'ended';
  byId<HTMLButtonElement>('say').disabled = call === null || call.stage === 'ended';
}

function press(key: string): void {
  if (!call || call.stage === 'ended') return show('Press Call first.');
  void post(pressKey(demoIvrFlow, call, key, clock()));
}

function say(text: string): void {
  if (!call || call.stage === 'ended' || !text.trim()) return;
  void post(speak(call, text.trim(), clock()));
  byId('said').append(el('p', { class: 'line speaker-customer' }, el('b', {}, 'You'), ' ', text.trim()));
}

function build(): void {
  render(byId('keypad'), ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((k) => el('button', { type: 'button', class: 'key', id: `key-${k === '*' ? 'star' : k === '#' ? 'hash' : k}`, onclick: () => press(k) }, k)));
  byId('call-button').addEventListener('click', () => {
    byId('said').replaceChildren();
    render(byId('caller-error'));
    void post(startCall(demoIvrFlow, callerDetails(), clock()));
  });
  byId('hangup-button').addEventListener('click', () => {
    if (call) void post(hangUp(demoIvrFlow, call, clock()));
  });
  byId('speak-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('utterance');
    say(input.value);
    input.value = '';
  });
  render(byId('phrases'), ...phrases.map((p) => el('button', { type: 'button', class: 'phrase', onclick: () => { byId<HTMLInputElement>('utterance').value = p; } }, p)));
  render(byId('flow'), ...demoIvrFlow.nodes.filter((n) => n.options).map((n) => el('li', {}, el('b', {}, n.label), ' ', n.prompt)));
  renderState();
}

async function main(): Promise<void> {
  const settings = await webSettings();
  session = await signIn('ingest', 'sign-in', settings, { label: 'Get a demo caller token', request: () => ({ role: 'ingest', source: 'caller-page' }) });
  byId('caller').hidden = false;
  byId('sign-out').addEventListener('click', () => {
    signOut('ingest');
    location.reload();
  });
  build();
}

main().catch((error: unknown) => render(byId('caller-error'), `The caller page could not start: ${(error as Error).message}`));
