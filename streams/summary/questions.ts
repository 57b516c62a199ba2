// Customer questions by category, for "top questions per day" without question text in clear:
// each customer segment is cut into sentences; a sentence that asks something is put into one
// category of a fixed, versioned taxonomy by terms matched on normalised text (one term-index
// scan per segment). Only the category codes leave this module — never the words — so the
// result is not personal data and may travel in clear (docs/security.md).
import { normalise } from '../text/normalise.ts';
import { TermIndex } from '../text/term-index.ts';

/** Bump when a category or a term changes: counts under two versions are not comparable. */
export const questionTaxonomyVersion = 'questions-2026.11';

export interface QuestionCategory {
  readonly code: string;
  /** A question belongs here when it contains one of these terms... */
  readonly terms: readonly string[];
  /** ...and, when given, also one of these (e.g. a card AND a fee). */
  readonly alsoTerms?: readonly string[];
}

const cardTerms = ['卡', 'card'];

/**
 * Most specific first: a question takes the first category it fits, else `other` (a lost card's
 * replacement fee is a fee question, whatever else the sentence says).
 */
export const questionTaxonomy: readonly QuestionCategory[] = [
  { code: 'card.replace-fee', terms: ['补卡', '换卡', '补办', '新卡', 'replacement', 'replace', 'new card'], alsoTerms: ['费', '钱', '收费', 'fee', 'cost', 'charge', 'how much'] },
  { code: 'card.lost-how-to-report', terms: ['挂失', '卡丢', '卡掉', '丢了卡', '卡不见', '卡被偷', 'lost card', 'lost my card', 'stolen card', 'card was stolen', 'card is lost', 'report a lost', 'report my lost', 'report lost', 'report a stolen'] },
  { code: 'card.block', terms: ['冻结', '锁卡', '停用', 'block', 'freeze', 'lock'], alsoTerms: cardTerms },
  { code: 'transfer.limit', terms: ['限额', '额度', '上限', 'limit'], alsoTerms: ['转账', '汇款', '转', 'transfer', 'send'] },
  { code: 'transfer.failed', terms: ['转账失败', '转不出', '没到账', '未到账', '转账不成功', '汇款失败', 'transfer failed', 'transfer didnt', 'transfer did not', 'transfer has not arrived', 'transfer hasnt arrived', 'not received the transfer', 'failed transfer'] },
  { code: 'loan.overdue-fee', terms: ['逾期', '罚息', '滞纳金', 'overdue', 'late fee', 'late payment', 'penalty'] },
  { code: 'loan.repayment-date', terms: ['还款日', '还款时间', '几号还', '哪天还', '什么时候还', 'repayment date', 'due date', 'when do i repay', 'when is my repayment', 'payment due'] },
  { code: 'fee.annual', terms: ['年费', 'annual fee', 'yearly fee'] },
  { code: 'password.reset', terms: ['密码', 'password', 'pin'] },
  { code: 'app.login-problem', terms: ['登录', '登陆', '登不上', '进不去', 'log in', 'login', 'sign in', 'log into'] },
  { code: 'account.statement', terms: ['对账单', '流水', '账单', 'statement', 'transaction history'] },
  { code: 'account.balance', terms: ['余额', '还剩多少', '有多少钱', 'balance', 'how much money'] },
  { code: 'wealth.product-risk', terms: ['风险', '保本', '亏本', '亏损', 'risk', 'guaranteed', 'lose money'], alsoTerms: ['理财', '基金', '产品', 'product', 'fund', 'investment', 'wealth'] },
  { code: 'wealth.redemption', terms: ['赎回', '取出来', 'redeem', 'redemption', 'withdraw from'], alsoTerms: ['理财', '基金', '产品', 'product', 'fund', 'investment', 'wealth', '赎回', 'redeem', 'redemption'] },
];

export const otherQuestion = 'other';

/** Chinese interrogative cues, anywhere in a sentence. */
const zhCues = ['怎么', '怎样', '如何', '能不能', '可不可以', '能否', '是否', '多少', '什么时候', '为什么', '是不是', '请问', '哪里', '哪儿', '哪个', '哪天', '几天', '几号', '有没有', '要不要', '什么'];
/** English interrogative openings, at the start of a sentence (normalised: lower case, no punctuation). */
const enOpenings = ['how', 'what', 'when', 'why', 'where', 'which', 'who', 'can i', 'can you', 'could i', 'could you', 'would you', 'is it', 'is there', 'is my', 'are there', 'do i', 'do you', 'does', 'did', 'will', 'should i', 'may i', 'am i'];
/** Sentence-final particles that make a Chinese sentence a question (可以…吗, 收费吗). */
const zhFinalParticles = ['吗', '么', '呢'];

const sentenceEnd = /[。．.!！?？;；\n]/;
const questionMark = /[?？]/;

const CUE = '\u0000cue';

function groupsOf(): Map<string, readonly string[]> {
  const groups = new Map<string, readonly string[]>([[CUE, zhCues]]);
  for (const category of questionTaxonomy) {
    groups.set(category.code, category.terms);
    if (category.alsoTerms) groups.set(`${category.code}+`, category.alsoTerms);
  }
  return groups;
}

const index = new TermIndex(groupsOf());
const openings = enOpenings.map((o) => `${o} `);

/** The sentences of a segment, each with the punctuation that ended it. */
function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!sentenceEnd.test(text[i])) continue;
    // A full stop between two digits is a decimal point, not the end of a sentence.
    if (text[i] === '.' && /\d/.test(text[i - 1] ?? '') && /\d/.test(text[i + 1] ?? '')) continue;
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out.filter((s) => normalise(s).text.length > 0);
}

function asks(sentence: string, hasCue: boolean): boolean {
  if (questionMark.test(sentence) || hasCue) return true;
  const normalised = normalise(sentence).text;
  if (zhFinalParticles.includes(normalised.slice(-1))) return true;
  return openings.some((o) => `${normalised} `.startsWith(o));
}

/** The category of one question sentence. */
function categoryOf(groups: ReadonlySet<string>): string {
  for (const category of questionTaxonomy) {
    if (groups.has(category.code) && (!category.alsoTerms || groups.has(`${category.code}+`))) return category.code;
  }
  return otherQuestion;
}

/** The categories of the questions a customer segment asks, one per question, in order. */
export function classifyQuestions(text: string): string[] {
  const categories: string[] = [];
  for (const sentence of sentences(text)) {
    const groups = new Set(index.scan(sentence).hits.map((h) => h.group));
    if (!asks(sentence, groups.has(CUE))) continue;
    categories.push(categoryOf(groups));
  }
  return categories;
}
