// The IVR flow the caller page walks. The product has no IVR engine of its own (the bank's IVR
// posts IvrNodeEntered / IvrInputReceived / IvrExited through ingest), so for demos the caller
// page stands in for it with this flow, in the document shape of IvrFlowPublished (policyId,
// version, nodes with DTMF options). Transfer nodes name the queue and intent a call enters.

export type IvrNodeType = 'MENU' | 'TRANSFER' | 'SELF_SERVICE';

export interface IvrOption {
  /** The node this key leads to. */
  readonly next: string;
  /** Recognised intent of choosing it (IvrInputReceived.intent). */
  readonly intent?: string;
}

export interface IvrNode {
  readonly id: string;
  readonly type: IvrNodeType;
  readonly label: string;
  /** What the IVR says at this node. */
  readonly prompt: string;
  readonly options?: Readonly<Record<string, IvrOption>>;
  /** TRANSFER: the queue the call enters, and whether reaching it is a zero-out (caller asked for a human). */
  readonly queueId?: string;
  readonly zeroOut?: boolean;
}

export interface IvrFlow {
  readonly flowId: string;
  readonly version: number;
  readonly root: string;
  readonly nodes: readonly IvrNode[];
}

export const demoIvrFlow: IvrFlow = {
  flowId: 'ivr-demo',
  version: 1,
  root: 'root',
  nodes: [
    { id: 'root', type: 'MENU', label: '主菜单 / main menu', prompt: 'Welcome. Cards: press 1. Accounts: press 2. To speak to an agent: press 0.', options: { 1: { next: 'cards' }, 2: { next: 'accounts' }, 0: { next: 'agent' } } },
    { id: 'cards', type: 'MENU', label: '信用卡服务 / card services', prompt: 'Report a lost or stolen card: press 1. Dispute a transaction: press 2. Agent: press 0.', options: { 1: { next: 'card-loss', intent: 'card_loss' }, 2: { next: 'dispute', intent: 'dispute' }, 0: { next: 'agent' } } },
    { id: 'accounts', type: 'MENU', label: '账户服务 / accounts', prompt: 'Balance: press 1. Change your address: press 2. Agent: press 0.', options: { 1: { next: 'balance', intent: 'balance_inquiry' }, 2: { next: 'address-change', intent: 'address_change' }, 0: { next: 'agent' } } },
    { id: 'card-loss', type: 'TRANSFER', label: '挂失 / card loss', prompt: 'Connecting you to a card specialist.', queueId: 'cards' },
    { id: 'dispute', type: 'TRANSFER', label: '交易争议 / dispute', prompt: 'Connecting you to a card specialist.', queueId: 'cards' },
    { id: 'address-change', type: 'TRANSFER', label: '地址变更 / address change', prompt: 'Connecting you to an accounts agent.', queueId: 'accounts' },
    { id: 'balance', type: 'SELF_SERVICE', label: '余额查询 / balance', prompt: 'Your balance has been read out. Goodbye.' },
    { id: 'agent', type: 'TRANSFER', label: '人工服务 / agent', prompt: 'Connecting you to an agent.', queueId: 'general', zeroOut: true },
  ],
};
