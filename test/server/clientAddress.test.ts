import { expect } from 'chai';
import { clientAddress, isLocalClient, rateLimitKey } from '../../src/server/clientAddress';

describe('who a request comes from', () => {
  describe('clientAddress', () => {
    it('is the socket peer by default, whatever X-Forwarded-For claims', () => {
      expect(clientAddress('198.51.100.4', '203.0.113.9', 0)).to.equal('198.51.100.4');
      expect(clientAddress('::ffff:198.51.100.4', undefined, 0)).to.equal('198.51.100.4');
      expect(clientAddress(undefined, '203.0.113.9', 0)).to.equal('unknown');
    });

    it('behind one trusted proxy, is the address that proxy saw (the rightmost entry), port removed', () => {
      // The client wrote the first entry itself; the front end appended the address it saw, with a port.
      expect(clientAddress('10.0.0.5', '1.2.3.4, 203.0.113.9:51234', 1)).to.equal('203.0.113.9');
      expect(clientAddress('10.0.0.5', ['1.2.3.4', '[2001:db8::7]:443'], 1)).to.equal('2001:db8::7');
    });

    it('walks one entry further left per trusted proxy, and no further than the header goes', () => {
      expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.9, 10.0.0.4', 2)).to.equal('203.0.113.9');
      expect(clientAddress('10.0.0.5', '203.0.113.9', 3)).to.equal('203.0.113.9');
    });

    it('stops at an entry that is not an address', () => {
      expect(clientAddress('10.0.0.5', 'evil, 203.0.113.9', 2)).to.equal('203.0.113.9');
      expect(clientAddress('10.0.0.5', 'unknown', 1)).to.equal('10.0.0.5');
    });
  });

  describe('rateLimitKey', () => {
    it('counts IPv4 addresses one by one', () => {
      expect(rateLimitKey('203.0.113.9')).to.equal('203.0.113.9');
    });

    it('counts an IPv6 client by its /64, however the address is written', () => {
      const key = rateLimitKey('2001:db8:0:12::1');
      expect(key).to.equal('2001:db8:0:12::/64');
      expect(rateLimitKey('2001:0db8:0000:0012:ffff:ffff:ffff:ffff')).to.equal(key);
      expect(rateLimitKey('2001:db8:0:12:abcd::1.2.3.4')).to.equal(key);
      expect(rateLimitKey('2001:db8:0:13::1')).to.not.equal(key);
      expect(rateLimitKey('::1')).to.equal('0:0:0:0::/64');
    });
  });

  describe('isLocalClient', () => {
    it('is true for loopback peers, in every spelling', () => {
      for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
        expect(isLocalClient(address, {}), address).to.equal(true);
      }
    });

    it('is false for any other peer, or an unknown one', () => {
      for (const address of ['10.0.0.5', '203.0.113.9', '::ffff:10.0.0.5', '2001:db8::1', undefined]) {
        expect(isLocalClient(address, {}), String(address)).to.equal(false);
      }
    });

    it('is false for a request a proxy on this machine forwarded', () => {
      expect(isLocalClient('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).to.equal(false);
      expect(isLocalClient('127.0.0.1', { forwarded: 'for=203.0.113.9' })).to.equal(false);
    });
  });
});
