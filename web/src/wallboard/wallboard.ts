/// <reference lib="dom" />
// The supervisor wallboard: per queue waiting, longest wait, service level, abandon rate, ASA and
// agents by state; agents by state per skill; alerts; charts of the day by interval. Figures
// come from the read models (GET /v1/wallboard/queues, /rolling, /agents, /v1/analytics/kpis);
// the supervisor stream says when they changed (queue and agent events trigger a reload, alerts
// and system mode are shown as they arrive), and waits tick every second in between.
import { api, webSettings } from '../common/api.ts';
import { byId, duration, el, percent, render } from '../common/dom.ts';
import { openPush, type PushStatus } from '../common/push.ts';
import { signIn, signOut, type Session } from '../common/session.ts';
import { byInterval, intervalChart, wholeDay } from './interval-chart.ts';

interface QueueNow {
  readonly queueId: string;
  readonly waiting: number;
  readonly ringing: number;
  readonly longestWaitMs: number;
  readonly calls: readonly { readonly enteredAt: number }[];
  readonly agentsByState: Readonly<Record<string, number>>;
}

type Row = Readonly<Record<string, unknown>>;

const agentStates = ['AVAILABLE', 'BUSY', 'WRAP_UP', 'BREAK', 'TRAINING', 'UNKNOWN'];
let session: Session;
let queues: readonly QueueNow[] = [];
let rolling = new Map<string, Row>();
/** Server time minus page time, so waits tick from the server's clock. */
let skew = 0;
const alerts: { at: number; text: string; severity: string }[] = [];

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function renderQueues(): void {
  const now = Date.now() + skew;
  const names = [...new Set([...queues.map((q) => q.queueId), ...rolling.keys()])].sort();
  render(byId('queues'),
    el('thead', {}, el('tr', {}, ...['Queue', 'Waiting', 'Longest wait', 'Service level', 'Abandon rate', 'ASA', 'Offered', ...agentStates.map((s) => s.replace('_', ' ').toLowerCase())].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...names.map((name) => {
      const q = queues.find((x) => x.queueId === name);
      const r = rolling.get(name) ?? {};
      const oldest = q && q.calls.length > 0 ? Math.max(0, now - Math.min(...q.calls.map((c) => c.enteredAt))) : 0;
      const sl = num(r.serviceLevel);
      return el('tr', { 'data-queue': name },
        el('th', {}, name),
        el('td', { class: `waiting${(q?.waiting ?? 0) > 0 ? ' busy' : ''}`, 'data-figure': 'waiting' }, q?.waiting ?? 0),
        el('td', { 'data-figure': 'longest-wait' }, duration(oldest)),
        el('td', { class: sl !== null && sl < 0.8 ? 'bad' : 'good', 'data-figure': 'service-level' }, percent(sl)),
        el('td', { 'data-figure': 'abandon-rate' }, percent(num(r.abandonRate))),
        el('td', { 'data-figure': 'asa' }, duration(num(r.averageSpeedOfAnswerMs))),
        el('td', { 'data-figure': 'offered' }, num(r.offered) ?? 0),
        ...agentStates.map((s) => el('td', { class: 'agents' }, q?.agentsByState[s] ?? 0)));
    })));
}

async function reload(): Promise<void> {
  const [now, roll, agents] = await Promise.all([
    api<{ at: number; queues: QueueNow[] }>(session.token, 'GET', '/v1/wallboard/queues'),
    api<{ queues: Row[] }>(session.token, 'GET', '/v1/wallboard/rolling?windowMinutes=60'),
    api<{ skills: { skill: string; byState: Record<string, number> }[] }>(session.token, 'GET', '/v1/wallboard/agents'),
  ]);
  skew = now.at - Date.now();
  queues = now.queues;
  rolling = new Map(roll.queues.map((r) => [String(r.queue ?? '(all)'), r]));
  renderQueues();
  render(byId('skills'),
    el('thead', {}, el('tr', {}, el('th', {}, 'Skill'), ...agentStates.map((s) => el('th', {}, s.replace('_', ' ').toLowerCase())))),
    el('tbody', {}, ...agents.skills.map((s) => el('tr', {}, el('th', {}, s.skill), ...agentStates.map((state) => el('td', {}, s.byState[state] ?? 0))))));
  render(byId('updated'), `updated ${new Date().toLocaleTimeString()}`);
}

async function reloadCharts(): Promise<void> {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  const kpis = await api<{ items: Row[] }>(session.token, 'GET', `/v1/analytics/kpis?from=${midnight.getTime()}&intervalMinutes=15&limit=10000`);
  chartsLoadedAt = Date.now();
  render(byId('charts'), intervalChart(wholeDay(midnight.getTime(), byInterval(kpis.items, null)), 'Today by 15-minute interval: calls offered, answered, abandoned; service level'));
}

let pending: ReturnType<typeof setTimeout> | null = null;
let chartsLoadedAt = 0;
/**
 * Several events in a burst cause one reload, after the projections had a moment to fold them,
 * and one more a little later for what they had not folded yet (the push can outrun the read model).
 */
function soon(): void {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    reload().catch(showError);
    setTimeout(() => reload().catch(showError), 2000);
    if (Date.now() - chartsLoadedAt > 10_000) reloadCharts().catch(showError);
  }, 400);
}

function showError(error: unknown): void {
  render(byId('wallboard-error'), (error as Error).message);
}

function alertArrived(data: Record<string, unknown>): void {
  const d = (data.data ?? {}) as Record<string, unknown>;
  const what = data.type === 'RiskAlertRaised' ? `${String(d.severity)} ${String(d.kind)}${typeof d.description === 'string' ? `: ${d.description}` : ''}` : `${String(data.type)} ${String(d.kind ?? '')} ${String(d.reason ?? '')}`;
  alerts.unshift({ at: Number(data.occurredAt), text: `${what} (call ${String(data.interactionId)})`, severity: String(d.severity ?? 'HIGH').toLowerCase() });
  alerts.splice(12);
  render(byId('alerts'), ...alerts.map((a) => el('li', { class: `alert severity-${a.severity}` }, el('time', {}, new Date(a.at).toLocaleTimeString()), ' ', a.text)));
}

function setPushStatus(status: PushStatus): void {
  const badge = byId('push-status');
  badge.dataset.status = status;
  render(badge, status === 'live' ? 'live' : 'reconnecting…');
  if (status === 'live') soon();
}

async function main(): Promise<void> {
  const settings = await webSettings();
  session = await signIn('supervisor', 'sign-in', settings, { label: 'Get a demo supervisor token', request: () => ({ role: 'supervisor' }) });
  byId('wallboard').hidden = false;
  byId('sign-out').addEventListener('click', () => {
    signOut('supervisor');
    location.reload();
  });
  await reload();
  await reloadCharts().catch(showError);
  openPush({
    path: '/v1/supervisor/stream', token: session.token, onStatus: setPushStatus,
    handlers: {
      queue: soon, 'agent-state': soon, alert: alertArrived,
      'system-mode': (data) => render(byId('system-mode'), `System mode: ${String((data.data as Record<string, unknown>).mode)} — ${String((data.data as Record<string, unknown>).reason)}`),
    },
  });
  setInterval(renderQueues, 1000);
  setInterval(() => reload().catch(showError), 15_000); // rolling figures age even when nothing happens
  // The interval figures come from an analytics read model that may fold a burst after the push
  // announced it (and pauses while the system is DEGRADED): refresh them on a timer too.
  setInterval(() => reloadCharts().catch(showError), 30_000);
  setInterval(() => reloadCharts().catch(showError), 60_000);
}

main().catch(showError);
