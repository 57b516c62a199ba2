import { expect } from 'chai';
import { classifyQuestions, questionTaxonomy } from './questions.ts';

describe('question classifier', () => {
  describe('given a Chinese customer segment', () => {
    it('puts each question into its category and leaves statements out', () => {
      expect(classifyQuestions('我的信用卡丢了。请问怎么挂失？')).to.deep.equal(['card.lost-how-to-report']);
      expect(classifyQuestions('补卡要收多少钱')).to.deep.equal(['card.replace-fee']);
      expect(classifyQuestions('手机银行转账限额是多少？我的年费能不能免掉？')).to.deep.equal(['transfer.limit', 'fee.annual']);
      expect(classifyQuestions('这个理财产品保本吗')).to.deep.equal(['wealth.product-risk']);
      expect(classifyQuestions('我想把卡冻结一下，可以吗？')).to.deep.equal(['card.block']);
      expect(classifyQuestions('为什么我的转账没到账')).to.deep.equal(['transfer.failed']);
      expect(classifyQuestions('逾期了会有罚息吗？还款日是哪天？')).to.deep.equal(['loan.overdue-fee', 'loan.repayment-date']);
    });

    it('counts a question that fits no category as other', () => {
      expect(classifyQuestions('你们营业厅几点关门？')).to.deep.equal(['other']);
    });

    it('does not count a statement', () => {
      expect(classifyQuestions('我的卡昨天在地铁上丢了，尾号六二八一。')).to.deep.equal([]);
      expect(classifyQuestions('好的，谢谢')).to.deep.equal([]);
    });
  });

  describe('given an English customer segment', () => {
    it('puts each question into its category and leaves statements out', () => {
      expect(classifyQuestions('I lost my card yesterday. How do I report a lost card?')).to.deep.equal(['card.lost-how-to-report']);
      expect(classifyQuestions('What is my balance')).to.deep.equal(['account.balance']);
      expect(classifyQuestions('Could you reset my PIN? Is there a fee for a replacement card?')).to.deep.equal(['password.reset', 'card.replace-fee']);
      expect(classifyQuestions("I can't log in to the app, why?")).to.deep.equal(['app.login-problem']);
      expect(classifyQuestions('When can I redeem the fund')).to.deep.equal(['wealth.redemption']);
    });

    it('does not count a statement, a decimal amount nor an opening inside a word', () => {
      expect(classifyQuestions('My balance was 1.50 this morning. Thanks.')).to.deep.equal([]);
      expect(classifyQuestions('Whatever, I already blocked the card.')).to.deep.equal([]);
    });
  });

  it('returns category codes of the taxonomy only, never words of the segment', () => {
    const codes = new Set([...questionTaxonomy.map((c) => c.code), 'other']);
    const said = '我叫王小明，身份证号310101199001011234，我的卡尾号4821丢了，怎么挂失？住在世纪大道100号，补卡要多少钱？';
    const categories = classifyQuestions(said);
    expect(categories).to.deep.equal(['card.lost-how-to-report', 'card.replace-fee']);
    for (const category of categories) expect(codes.has(category)).to.equal(true);
  });
});
