// Deterministic ticket-field extractors (no model): intent keywords and patterns for the common
// intents — card loss (card's last 4 digits, when and where lost), address change, dispute
// (amount, merchant, date). They work on the raw segment text with Chinese and full-width
// digits read as ASCII digits.

export const extractorVersion = 'rules-2026.11';

export type Intent = 'card_loss' | 'address_change' | 'dispute' | 'transfer' | 'wealth' | 'other';

export const intentLabels: Record<Intent, { zh: string; en: string; template: string }> = {
  card_loss: { zh: '银行卡挂失', en: 'Card loss report', template: 'ticket.card-loss.v1' },
  address_change: { zh: '地址变更', en: 'Address change', template: 'ticket.address-change.v1' },
  dispute: { zh: '交易争议', en: 'Transaction dispute', template: 'ticket.dispute.v1' },
  transfer: { zh: '转账业务', en: 'Funds transfer', template: 'ticket.general.v1' },
  wealth: { zh: '理财咨询', en: 'Wealth products', template: 'ticket.general.v1' },
  other: { zh: '其他咨询', en: 'Other enquiry', template: 'ticket.general.v1' },
};

const intentCues: readonly [Intent, RegExp][] = [
  ['card_loss', /挂失|卡(?:丢|掉|找不到|被偷|被盗)|丢了?卡|(?:lost|stolen|missing) (?:my |the )?(?:debit |credit )?card|card (?:was |is |has been )?(?:lost|stolen|missing)|report (?:a |my )?(?:lost|stolen)/i],
  ['dispute', /不认识这笔|没有?(?:消费|刷)过|盗刷|争议|异议|不是我(?:消费|刷)的|dispute|didn'?t make (?:this|that|the)|did not make|unauthori[sz]ed|don'?t recogni[sz]e/i],
  ['address_change', /(?:改|变更|更改|修改)(?:一下)?(?:我的)?(?:通讯|邮寄|家庭|账单)?地址|新地址|change (?:my |the )?(?:home |mailing |billing )?address|new address|update (?:my )?address/i],
  ['transfer', /转账|汇款|transfer (?:money|funds)|wire transfer|make a transfer/i],
  ['wealth', /理财|基金|wealth (?:product|management)|investment fund/i],
];

/** Maps an IVR intent name to one of ours (card_loss, lost-card, CARD_LOSS...). */
export function normaliseIntent(name: string | null): Intent | null {
  if (!name) return null;
  const key = name.toLowerCase().replace(/[^a-z]/g, '');
  if (/cardloss|lostcard|stolencard|reportlost/.test(key)) return 'card_loss';
  if (/address/.test(key)) return 'address_change';
  if (/dispute|chargeback/.test(key)) return 'dispute';
  if (/transfer/.test(key)) return 'transfer';
  if (/wealth|fund|invest/.test(key)) return 'wealth';
  return 'other';
}

export function classifyIntent(text: string): Intent | null {
  for (const [intent, cue] of intentCues) if (cue.test(text)) return intent;
  return null;
}

const cnDigits: Record<string, string> = { 零: '0', 〇: '0', 洞: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9', 拐: '7', 勾: '9' };

/** Full-width digits to ASCII, and runs of 2+ Chinese digit characters to ASCII digits ("六二八一" → "6281"). */
export function asciiDigits(text: string): string {
  const halfWidth = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return halfWidth.replace(/[零〇洞一幺二两三四五六七八九拐勾]{2,}/g, (run) => [...run].map((c) => cnDigits[c]).join(''));
}

const zhWhen = /((?:今天|昨天|前天|大前天|上周[一二三四五六日天]?|这周[一二三四五六日天]?|周[一二三四五六日天]|星期[一二三四五六日天]|刚才|今早|昨晚|前晚|\d{1,2}月\d{1,2}[日号])(?:早上|上午|中午|下午|晚上|傍晚|夜里|凌晨)?(?:\d{1,2}点(?:半|\d{1,2}分)?)?(?:左右)?)/;
const enWhen = /\b((?:yesterday|today|this morning|this afternoon|this evening|last night|tonight|(?:last |on )(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend))(?: (?:morning|afternoon|evening|night))?(?: (?:around|at|about) \d{1,2}(?::\d{2})? ?(?:am|pm)?)?)/i;
const zhWhere = /在([^，。,.!?！？在]{1,14}?)(?:的时候|那里|那边|附近)?(?:丢|掉|弄丢|被偷|被盗|遗失|不见)/;
const enWhere = /\b(?:lost|left|dropped|stolen|misplaced)(?: it| my card| the card| my wallet| my purse)?(?: somewhere)? (?:at|in|on) ((?:the )?[a-z][a-z ]{1,30}?)(?=[,.;!?]| yesterday| today| this| last| around| on |$)/i;

export type Fields = Record<string, string>;

function firstGroup(pattern: RegExp, text: string): string | null {
  const m = pattern.exec(text);
  return m ? m[1].trim() : null;
}

/** Fields found in one customer segment for an intent (only the ones present). */
export function extractFields(intent: Intent, rawText: string): Fields {
  const text = asciiDigits(rawText);
  const fields: Fields = {};
  const put = (name: string, value: string | null) => { if (value) fields[name] = value; };
  switch (intent) {
    case 'card_loss': {
      const last4 = /(?:尾号|后四位|末四位|最后四位|ending (?:in|with)|ends (?:in|with)|last (?:four|4) (?:digits )?(?:are |is |of )?)\D{0,8}?(\d(?:[\s-]?\d){3})(?!\d)/i.exec(text);
      put('cardLast4', last4 ? last4[1].replace(/\D/g, '') : null);
      put('lostWhen', firstGroup(zhWhen, text) ?? firstGroup(enWhen, text));
      put('lostWhere', firstGroup(zhWhere, text) ?? firstGroup(enWhere, text));
      break;
    }
    case 'address_change':
      put('newAddress', firstGroup(/(?:新地址(?:是|为|改成|改为)?|搬到了?|改成|改为)[:：]?\s*([^，。,.!?！？]{4,40})/, text) ?? firstGroup(/\b(?:new address is|moved to|move to|address to) ([^.!?]{6,80})/i, text));
      break;
    case 'dispute': {
      put('amount', firstGroup(/(\d+(?:\.\d{1,2})?)\s*(?:元|块)/, text) ?? firstGroup(/(?:\$|¥|rmb ?|cny ?)(\d+(?:,\d{3})*(?:\.\d{2})?)/i, text) ?? firstGroup(/\b(\d+(?:\.\d{2})?) (?:yuan|dollars|rmb)\b/i, text));
      put('merchant', firstGroup(/在([^，。,.在]{2,15}?)(?:的)?(?:消费|刷了|扣了|支付)/, text) ?? firstGroup(/\b(?:charge|payment|transaction|purchase) (?:from|at|to) ([A-Za-z0-9&' ]{2,30}?)(?=[,.;]| for| of| on| that|$)/i, text));
      put('transactionDate', firstGroup(zhWhen, text) ?? firstGroup(enWhen, text));
      break;
    }
    default:
      break;
  }
  return fields;
}
