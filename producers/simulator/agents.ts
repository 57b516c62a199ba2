// Simulated agents: shifts (log in, log out), staggered breaks, wrap-up, and coming back after
// routing set them not-ready. Their ids come from the scenario's group prefixes, so they never
// take the id of a human at the web workstation.
import { minutesOf } from './scenario.ts';
import { localMinutes, nextLocalTime, schedule, type Emit, type SimAgent, type TrafficState } from './traffic-state.ts';

export function agentId(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(3, '0')}`;
}

/** Creates the scenario's agents and schedules each one's first shift start (now, if the shift is on). */
export function createAgents(state: TrafficState): void {
  for (const group of state.scenario.agents.groups) {
    for (let index = 0; index < group.count; index++) {
      const agent: SimAgent = { id: agentId(group.prefix, index), group, index, activity: 'OFFLINE', loggedInAt: 0, offer: null, callId: null, breakDueMinutes: null, logoutDue: false };
      state.agents.set(agent.id, agent);
      const inShift = withinShift(localMinutes(state, state.now), minutesOf(group.shift.start), minutesOf(group.shift.end));
      schedule(state, inShift ? state.now : nextLocalTime(state, state.now, minutesOf(group.shift.start)), { kind: 'shift-start', agentId: agent.id });
    }
  }
}

function withinShift(now: number, start: number, end: number): boolean {
  return start < end ? now >= start && now < end : now >= start || now < end;
}

export function shiftStart(state: TrafficState, agent: SimAgent, emit: Emit): void {
  const { group } = agent;
  agent.activity = 'AVAILABLE';
  agent.loggedInAt = state.now;
  agent.logoutDue = false;
  agent.breakDueMinutes = null;
  const skills = Object.entries(group.skills).map(([skill, proficiency]) => ({ skill, proficiency }));
  emit('AgentLoggedIn', { agentId: agent.id, skills, teams: group.teams ?? [group.prefix], site: state.options.site, cohort: null, station: null, supervisorId: null });
  emit('AgentStateChanged', { agentId: agent.id, state: 'AVAILABLE', previousState: 'UNKNOWN', reasonCode: null, interactionId: null });
  const end = nextLocalTime(state, state.now + 60_000, minutesOf(group.shift.end));
  schedule(state, end, { kind: 'shift-end', agentId: agent.id });
  // Breaks are staggered over four slots so a team never leaves the floor at once.
  group.breaks.forEach((pause) => {
    const at = nextLocalTime(state, state.now, minutesOf(pause.at)) + (agent.index % 4) * pause.minutes * 60_000;
    if (at < end) schedule(state, at, { kind: 'break-start', agentId: agent.id, minutes: pause.minutes });
  });
}

/** Idle: free to take a break or leave now (not on a call, not ringing, not already away). */
function idle(agent: SimAgent): boolean {
  return agent.activity === 'AVAILABLE' && agent.offer === null;
}

export function shiftEnd(state: TrafficState, agent: SimAgent, emit: Emit): void {
  if (agent.activity === 'OFFLINE') return;
  if (!idle(agent) && agent.activity !== 'BREAK' && agent.activity !== 'NOT_READY') {
    agent.logoutDue = true;
    return;
  }
  logOut(state, agent, 'END_OF_SHIFT', emit);
}

export function logOut(state: TrafficState, agent: SimAgent, reason: 'END_OF_SHIFT' | 'SYSTEM', emit: Emit): void {
  agent.activity = 'OFFLINE';
  agent.offer = null;
  agent.logoutDue = false;
  agent.breakDueMinutes = null;
  emit('AgentLoggedOut', { agentId: agent.id, reason, sessionMs: state.now - agent.loggedInAt });
  if (reason === 'END_OF_SHIFT') schedule(state, nextLocalTime(state, state.now + 60_000, minutesOf(agent.group.shift.start)), { kind: 'shift-start', agentId: agent.id });
}

export function breakStart(state: TrafficState, agent: SimAgent, minutes: number, emit: Emit): void {
  if (agent.activity === 'OFFLINE') return;
  if (!idle(agent)) {
    agent.breakDueMinutes = minutes;
    return;
  }
  goOnBreak(state, agent, minutes, emit);
}

function goOnBreak(state: TrafficState, agent: SimAgent, minutes: number, emit: Emit): void {
  const previous = agent.activity;
  agent.activity = 'BREAK';
  agent.breakDueMinutes = null;
  emit('AgentStateChanged', { agentId: agent.id, state: 'BREAK', previousState: previous === 'NOT_READY' ? 'BREAK' : previous, reasonCode: 'break', interactionId: null });
  schedule(state, state.now + minutes * 60_000, { kind: 'back-to-ready', agentId: agent.id });
}

/** Back from a break, from not-ready or from wrap-up: whatever fell due meanwhile comes first. */
export function becomeReady(state: TrafficState, agent: SimAgent, emit: Emit): void {
  if (agent.activity === 'OFFLINE') return;
  agent.callId = null;
  if (agent.logoutDue) return logOut(state, agent, 'END_OF_SHIFT', emit);
  if (agent.breakDueMinutes !== null) return goOnBreak(state, agent, agent.breakDueMinutes, emit);
  const previous = agent.activity === 'NOT_READY' ? 'BREAK' : agent.activity;
  agent.activity = 'AVAILABLE';
  emit('AgentStateChanged', { agentId: agent.id, state: 'AVAILABLE', previousState: previous, reasonCode: null, interactionId: null });
}

/** Routing set the agent not-ready (ring-no-answer): they come back after a while. */
export function setNotReadyByRouting(state: TrafficState, agent: SimAgent): void {
  if (agent.activity === 'OFFLINE') return;
  agent.activity = 'NOT_READY';
  agent.offer = null;
  schedule(state, state.now + state.scenario.agents.notReadySeconds * 1000, { kind: 'back-to-ready', agentId: agent.id });
}

/** An offer ended without the agent on the call: a break or logout that waited for it happens now. */
export function offerOver(state: TrafficState, agent: SimAgent, emit: Emit): void {
  agent.offer = null;
  if (agent.activity !== 'AVAILABLE') return;
  if (agent.logoutDue) logOut(state, agent, 'END_OF_SHIFT', emit);
  else if (agent.breakDueMinutes !== null) goOnBreak(state, agent, agent.breakDueMinutes, emit);
}
