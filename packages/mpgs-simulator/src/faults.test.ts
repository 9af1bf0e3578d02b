import { describe, expect, it } from 'vitest';
import { FaultRegistry, parseFaultSpec } from './faults.js';

const PAY_PATH = '/api/rest/version/100/merchant/M1/order/o/transaction/t';

describe('FaultRegistry', () => {
  it('matches on merchant, operation and path, and is used up after `times`', () => {
    const faults = new FaultRegistry();
    faults.add({ kind: 'http_500', apiOperation: 'PAY', merchantId: 'M1', times: 2 });
    expect(faults.take({ path: PAY_PATH, merchantId: 'M2', apiOperation: 'PAY' })).toBeUndefined();
    expect(faults.take({ path: PAY_PATH, merchantId: 'M1', apiOperation: 'REFUND' })).toBeUndefined();
    expect(faults.take({ path: PAY_PATH, merchantId: 'M1', apiOperation: 'PAY' })?.kind).toBe('http_500');
    expect(faults.list()).toEqual([{ kind: 'http_500', apiOperation: 'PAY', merchantId: 'M1', times: 2, remaining: 1 }]);
    expect(faults.take({ path: PAY_PATH, merchantId: 'M1', apiOperation: 'PAY' })?.kind).toBe('http_500');
    expect(faults.take({ path: PAY_PATH, merchantId: 'M1', apiOperation: 'PAY' })).toBeUndefined();
  });

  it('only touches non-API paths when pathIncludes asks for them', () => {
    const faults = new FaultRegistry();
    faults.add({ kind: 'reset' });
    expect(faults.take({ path: '/form/version/100/merchant/M1/session.js' })).toBeUndefined();
    faults.clear();
    faults.add({ kind: 'reset', pathIncludes: '/form/' });
    expect(faults.take({ path: '/form/version/100/merchant/M1/session/S' })?.kind).toBe('reset');
  });

  it('validates specs', () => {
    expect(() => parseFaultSpec({ kind: 'explode' })).toThrow(/kind must be one of/);
    expect(() => parseFaultSpec({ kind: 'delay' })).toThrow(/delayMs/);
    expect(() => parseFaultSpec({ kind: 'reset', times: 0 })).toThrow(/times/);
    expect(parseFaultSpec({ kind: 'delay', delayMs: 10, apiOperation: 'PAY' })).toEqual({ kind: 'delay', delayMs: 10, apiOperation: 'PAY' });
  });
});
