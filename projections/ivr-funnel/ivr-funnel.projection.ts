// IVR funnel (docs/metrics.md, "IVR funnel"). Pure evolve per interaction: it follows the
// caller through the IVR flow node by node. Each node visit is added, with how it ended and how
// long it lasted, to the row of (local day of entering the node, flow, node); the sequence of
// nodes of a call that hangs up in the IVR, or leaves it for a queue and abandons there before
// an agent answers, is added to the abandonment paths of the local day the call entered the IVR.
// Every shared row only receives additions, so the order of interactions does not matter.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { ReadModelLogic, RowChange } from '../runtime/read-model.ts';
import { LocalDays, type LocalDay } from '../calendar/local-days.ts';
import { timeBucketOf } from './time-in-node.ts';

export interface IvrFunnelSettings {
  /** IANA time zone of the contact centre: days are local. */
  readonly timeZone: string;
}

export const defaultIvrFunnelSettings: IvrFunnelSettings = { timeZone: 'Asia/Shanghai' };

/** A path longer than this many nodes is cut, and ends in PATH_CUT. */
export const MAX_PATH_NODES = 24;
export const PATH_SEPARATOR = ' > ';
export const PATH_CUT = '…';

/** How a node visit ended: one counter column each (`exits_<reason>`). */
export type NodeExit = 'next' | 'to_agent' | 'self_service' | 'hang_up' | 'zero_out' | 'input_failed' | 'other';

export const NODE_COUNTER_COLUMNS = [
  'entries', 'exits_next', 'exits_to_agent', 'exits_self_service', 'exits_hang_up', 'exits_zero_out', 'exits_input_failed', 'exits_other',
  'input_failures', 'time_ms', 'timed_visits',
] as const;

interface OpenNode {
  readonly flowId: string;
  readonly nodeId: string;
  readonly enteredAt: number;
  readonly day: LocalDay;
  /** The caller's last input at this node was NO_INPUT or NO_MATCH. */
  readonly inputFailed: boolean;
}

interface Session {
  /** The flow the call entered the IVR by (a node's own flow may differ: sub-flows). */
  readonly flowId: string;
  /** Local day the call entered the IVR (its first node). */
  readonly day: LocalDay;
  readonly path: readonly string[];
  readonly cut: boolean;
  readonly node: OpenNode | null;
  /** IvrExited reason once the caller left the IVR (HANG_UP also for a hang-up without IvrExited). */
  readonly exit: string | null;
  /** Reached an agent, requested a callback, or already counted as an abandonment path: nothing more to count. */
  readonly settled: boolean;
}

export interface IvrFunnelState {
  readonly session?: Session | null;
}

export const ivrFunnelEventTypes: ReadonlySet<string> = new Set([
  'IvrNodeEntered', 'IvrInputReceived', 'IvrExited', 'QueueEntered', 'InteractionAnswered', 'InteractionAbandoned', 'CallbackRequested', 'InteractionEnded',
]);

const EXIT_OF_REASON: Readonly<Record<string, NodeExit>> = { TO_AGENT: 'to_agent', SELF_SERVICE_DONE: 'self_service', HANG_UP: 'hang_up', ZERO_OUT: 'zero_out' };

function nodeKey(day: LocalDay, flowId: string, nodeId: string) {
  return { local_day: day.day, day_start: day.start, day_end: day.end, flow_id: flowId, node_id: nodeId };
}

function closeNode(session: Session, exit: NodeExit, at: number, changes: RowChange[]): Session {
  const node = session.node;
  if (!node) return session;
  const key = nodeKey(node.day, node.flowId, node.nodeId);
  const ms = Math.max(0, at - node.enteredAt);
  changes.push(
    { op: 'add', table: 'nodes', key, values: { [`exits_${exit}`]: 1, time_ms: ms, timed_visits: 1 } },
    { op: 'add', table: 'node_time', key: { ...key, upper_ms: timeBucketOf(ms) }, values: { visits: 1 } },
  );
  return { ...session, node: null };
}

function countPath(session: Session, abandonedIn: 'IVR' | 'QUEUE', changes: RowChange[]): Session {
  const path = session.path.join(PATH_SEPARATOR) + (session.cut ? `${PATH_SEPARATOR}${PATH_CUT}` : '');
  changes.push({
    op: 'add', table: 'abandon_paths',
    key: { local_day: session.day.day, day_start: session.day.start, day_end: session.day.end, flow_id: session.flowId, path, ivr_exit: session.exit ?? 'HANG_UP', abandoned_in: abandonedIn },
    values: { calls: 1 },
  });
  return { ...session, settled: true };
}

/** The caller hung up while in the IVR (IvrExited HANG_UP, an IVR abandon, or the call ending without IvrExited). */
function hangUpInIvr(session: Session, at: number, changes: RowChange[]): Session {
  const closed = closeNode({ ...session, exit: 'HANG_UP' }, 'hang_up', at, changes);
  return closed.settled ? closed : countPath(closed, 'IVR', changes);
}

export function ivrFunnelLogic(settings: IvrFunnelSettings = defaultIvrFunnelSettings): ReadModelLogic<IvrFunnelState> {
  const days = new LocalDays(settings.timeZone);
  return {
    eventTypes: ivrFunnelEventTypes,
    keyOf: (event) => (event.metadata.interactionId === null ? null : `interaction:${event.metadata.interactionId}`),
    initialState: () => ({}),
    evolve(state, event: AnyLedgerEvent) {
      const at = event.metadata.occurredAt;
      const changes: RowChange[] = [];
      let session = state.session ?? null;
      switch (event.type) {
        case 'IvrNodeEntered': {
          const data = event.data;
          // A call sent back to the IVR after leaving it (e.g. transferred to a flow) starts a new session.
          if (session === null || session.exit !== null) session = { flowId: data.flowId, day: days.of(at), path: [], cut: false, node: null, exit: null, settled: false };
          session = closeNode(session, 'next', at, changes);
          const cut = session.cut || session.path.length >= MAX_PATH_NODES;
          const day = days.of(at);
          session = { ...session, path: cut ? session.path : [...session.path, data.nodeId], cut, node: { flowId: data.flowId, nodeId: data.nodeId, enteredAt: at, day, inputFailed: false } };
          changes.push(
            { op: 'add', table: 'nodes', key: nodeKey(day, data.flowId, data.nodeId), values: { entries: 1 } },
            // Determined by the key: the flow version fixes a node's type, label and depth.
            { op: 'put', table: 'node_labels', row: { flow_id: data.flowId, flow_version: data.flowVersion, node_id: data.nodeId, node_type: data.nodeType, node_label: data.nodeLabel, depth: data.depth } },
          );
          break;
        }
        case 'IvrInputReceived':
          if (session?.node && session.node.nodeId === event.data.nodeId) {
            const failed = event.data.outcome === 'NO_INPUT' || event.data.outcome === 'NO_MATCH';
            if (failed) changes.push({ op: 'add', table: 'nodes', key: nodeKey(session.node.day, session.node.flowId, session.node.nodeId), values: { input_failures: 1 } });
            session = { ...session, node: { ...session.node, inputFailed: failed } };
          }
          break;
        case 'IvrExited':
          if (session && session.exit === null) {
            if (event.data.reason === 'HANG_UP') {
              session = hangUpInIvr(session, at, changes);
            } else {
              const exit = EXIT_OF_REASON[event.data.reason] ?? (session.node?.inputFailed ? 'input_failed' : 'other');
              session = closeNode({ ...session, exit: event.data.reason }, exit, at, changes);
              if (event.data.reason === 'SELF_SERVICE_DONE') session = { ...session, settled: true };
            }
          }
          break;
        case 'QueueEntered':
          // Some IVRs hand over to a queue without an IvrExited: the node ends towards an agent.
          if (session && session.exit === null) session = closeNode({ ...session, exit: 'TO_AGENT' }, 'to_agent', at, changes);
          break;
        case 'InteractionAnswered':
        case 'CallbackRequested':
          if (session) session = { ...(session.exit === null ? closeNode({ ...session, exit: 'TO_AGENT' }, 'to_agent', at, changes) : session), settled: true };
          break;
        case 'InteractionAbandoned':
          if (session && session.exit === null) session = hangUpInIvr(session, at, changes);
          else if (session && !session.settled && event.data.stage !== 'IVR') session = countPath(session, 'QUEUE', changes);
          break;
        case 'InteractionEnded':
          if (session && session.exit === null) session = hangUpInIvr(session, at, changes);
          if (session) session = { ...session, settled: true };
          break;
        default:
          break;
      }
      return { state: session === (state.session ?? null) ? state : { session }, changes };
    },
  };
}
