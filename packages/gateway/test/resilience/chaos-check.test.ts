import { describe, expect, it } from 'vitest';
import { checkInvariants, type CampaignFacts } from '../../../../bench/chaos-check.js';

// The fault campaign's verdict (npm run chaos) is only as good as its checker:
// each invariant must name the violation it exists for.
const pay = (id: string, result = 'SUCCESS', extra: Partial<CampaignFacts['ledger'][number]['transactions'][number]> = {}) => ({
  id,
  type: 'PAYMENT',
  result,
  amountMinor: 1250,
  voided: false,
  ...extra,
});

function facts(overrides: Partial<CampaignFacts> = {}): CampaignFacts {
  return {
    sessions: [
      { id: 'cs_1', orderId: 'o1', status: 'paid' },
      { id: 'cs_2', orderId: 'o2', status: 'open' },
    ],
    payments: [
      { id: 'pay_1', sessionId: 'cs_1', orderId: 'o1', status: 'succeeded' },
      { id: 'pay_2', sessionId: 'cs_2', orderId: 'o2', status: 'failed' },
    ],
    refunds: [],
    ledger: [
      { orderId: 'pay_1', reference: 'o1', transactions: [pay('pay-1')] },
      { orderId: 'pay_2', reference: 'o2', transactions: [pay('pay-1', 'FAILURE')] },
    ],
    announcedSucceeded: new Set(['pay_1']),
    deliveries: { succeeded: 2 },
    answered: [
      { requestId: 'req_a', what: 'collect', status: 200 },
      { requestId: 'req_b', what: 'collect', status: 503, errorCode: '1901' },
    ],
    auditCounts: new Map([['req_a', 1]]),
    told: new Map([
      ['o1', 'succeeded'],
      ['o2', 'declined'],
    ]),
    challenged: new Set(),
    ...overrides,
  };
}

const violations = (f: CampaignFacts) => Object.fromEntries(checkInvariants(f).rows.map((r) => [r.invariant, r.violations]));

describe('the fault campaign invariant checker', () => {
  it('a consistent campaign has no violation (a 503 1901 needs no record)', () => {
    expect(Object.values(violations(facts())).every((n) => n === 0)).toBe(true);
  });

  it('names a second charge, a charge the gateway calls failed, and a customer told "declined" while charged', () => {
    const doubled = facts({ ledger: [...facts().ledger, { orderId: 'pay_3', reference: 'o1', transactions: [pay('pay-1')] }] });
    expect(violations(doubled)['charges per session ≤ 1 (card network ledger)']).toBe(1);
    const silent = facts({ ledger: [facts().ledger[0]!, { orderId: 'pay_2', reference: 'o2', transactions: [pay('pay-1')] }] });
    expect(violations(silent)['charged exactly when the gateway says succeeded']).toBe(1);
    expect(violations(silent)['the customer was told the truth (answered collects and 3-D Secure returns)']).toBe(1);
    // A late charge the gateway voided is not a charge.
    const reversed = facts({ ledger: [facts().ledger[0]!, { orderId: 'pay_2', reference: 'o2', transactions: [pay('pay-1', 'SUCCESS', { voided: true })] }] });
    expect(Object.values(violations(reversed)).every((n) => n === 0)).toBe(true);
    expect(checkInvariants(reversed).lateChargesReversed).toBe(1);
  });

  it("finds an authorization's CAPTURE under the gateway's own network order id (the reference is not the merchant's order id)", () => {
    const payments = [
      { id: 'pay_1', sessionId: 'cs_1', orderId: 'o1', status: 'succeeded', networkOrderRef: 'n1' },
      { id: 'pay_2', sessionId: 'cs_2', orderId: 'o2', status: 'failed', networkOrderRef: 'n2' },
    ];
    const authorized = (id: string) => [pay(`${id}-a`, 'SUCCESS', { type: 'AUTHORIZATION' }), pay(`${id}-c`, 'SUCCESS', { type: 'CAPTURE' })];
    const consistent = facts({ payments, ledger: [{ orderId: 'n1', reference: 'n1', transactions: authorized('n1') }] });
    expect(Object.values(violations(consistent)).every((n) => n === 0)).toBe(true);
    // Captured under the failed payment's network order: a charge the gateway calls failed.
    const silent = facts({ payments, ledger: [...consistent.ledger, { orderId: 'n2', reference: 'n2', transactions: authorized('n2') }] });
    expect(violations(silent)['charged exactly when the gateway says succeeded']).toBe(1);
    // An authorization alone (not captured) is no charge.
    const uncaptured = facts({ payments, ledger: [{ orderId: 'n1', reference: 'n1', transactions: [pay('n1-a', 'SUCCESS', { type: 'AUTHORIZATION' })] }] });
    expect(violations(uncaptured)['charged exactly when the gateway says succeeded']).toBe(1);
  });

  it('names a success never announced, anything stuck, an unaudited answer and a doubled record', () => {
    expect(violations(facts({ announcedSucceeded: new Set() }))['every success announced (payment.succeeded received)']).toBe(1);
    const stuck = facts({
      payments: [...facts().payments, { id: 'pay_9', sessionId: 'cs_2', orderId: 'o2', status: 'processing' }],
      deliveries: { succeeded: 2, dead: 1 },
    });
    expect(violations(stuck)['nothing stuck after reconciliation']).toBe(2);
    const unaudited = facts({ auditCounts: new Map() });
    expect(violations(unaudited)['every answered request audited (or answered 503 1901)']).toBe(1);
    const doubled = facts({ auditCounts: new Map([['req_a', 2]]) });
    expect(violations(doubled)['one audit record per request']).toBe(1);
  });
});
