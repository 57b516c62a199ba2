/// <reference lib="dom" />
// The screen pop as the agent sees it: who is calling (customer, tier, relationship agent,
// language), how they came (channel, IVR path and exit, intent, queue), what is known about risk
// (voiceprint, alerts so far) and their past contacts when the customer-history read model is there.
import { duration, el } from '../common/dom.ts';
import type { ScreenPop } from './workstation-state.ts';

function row(label: string, value: string | null | undefined, id?: string): HTMLElement {
  return el('div', { class: 'field' }, el('dt', {}, label), el('dd', id ? { id } : {}, value ?? '–'));
}

const historyColumns: readonly [string, string][] = [['startedAt', 'When'], ['channel', 'Channel'], ['intent', 'Intent'], ['outcome', 'Outcome'], ['disposition', 'Disposition'], ['agentId', 'Agent'], ['riskFlags', 'Risk'], ['summary', 'Summary']];

function cell(name: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (name === 'startedAt' && typeof value === 'number') return new Date(value).toLocaleString();
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Past contacts (this call left out), newest first as the read model returns them. */
function historyView(pop: ScreenPop): HTMLElement {
  if (pop.history === null) return el('p', { class: 'muted', id: 'pop-history' }, 'Past contacts: the customer-history read model is not available in this deployment yet.');
  const past = pop.history.filter((h) => h.interactionId !== pop.interactionId);
  if (past.length === 0) return el('p', { class: 'muted', id: 'pop-history' }, 'No past contacts.');
  return el('table', { id: 'pop-history', class: 'history' },
    el('thead', {}, el('tr', {}, ...historyColumns.map(([, title]) => el('th', {}, title)))),
    el('tbody', {}, ...past.map((h) => el('tr', {}, ...historyColumns.map(([name]) => el('td', {}, cell(name, h[name])))))));
}

export function screenPopView(pop: ScreenPop): HTMLElement {
  const customer = pop.customer;
  const path = pop.ivrPath.map((n) => n.label ?? n.nodeId).join(' › ');
  return el('div', { class: 'screen-pop', id: 'screen-pop' },
    el('div', { class: 'pop-head' },
      el('span', { class: 'customer-name', id: 'pop-customer' }, customer?.name ?? customer?.customerId ?? 'Unidentified caller'),
      el('span', { class: `tier tier-${pop.tier.toLowerCase()}`, id: 'pop-tier' }, pop.tier)),
    el('dl', {},
      row('Customer id', customer?.customerId),
      row('Caller number', pop.callerNumber),
      row('Channel', pop.channel),
      row('Relationship agent', customer?.relationshipAgentId),
      row('Language', customer?.preferredLanguage),
      row('Intent', pop.intent, 'pop-intent'),
      row('Queue', pop.queueId),
      row('IVR path', path || null, 'pop-ivr-path'),
      row('Left the IVR', pop.ivrExit ? `${pop.ivrExit.reason} after ${duration(pop.ivrExit.durationMs)}` : null),
      row('Voiceprint', pop.voiceprint ? `${pop.voiceprint.result} (${pop.voiceprint.score})` : null),
      row('Risk before the call', pop.riskAlerts.length === 0 ? 'no alerts' : pop.riskAlerts.map((a) => `${a.severity} ${a.kind}`).join(', '), 'pop-risk')),
    el('h4', {}, 'Past contacts'),
    historyView(pop));
}
