import { expect } from 'chai';
import { isLoopbackAddress } from './web.routes.ts';

describe('demo token callers', () => {
  it('are served from this machine only', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address), address).to.equal(true);
  });
  it('are refused from anywhere else, or when the peer is unknown', () => {
    for (const address of ['192.0.2.2', '10.0.0.1', '::ffff:192.0.2.2', 'fd00::2', '1127.0.0.1', '127.0.0.1.evil', '', undefined]) expect(isLoopbackAddress(address), String(address)).to.equal(false);
  });
});
