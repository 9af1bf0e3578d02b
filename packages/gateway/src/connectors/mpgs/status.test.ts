import { describe, expect, it } from 'vitest';
import {
  classifyGatewayCode,
  classifyRecommendation,
  mapAuthenticationStatus,
  mapSecurityCode,
  mapPaymentStatus,
  type AuthenticationStatus,
  type NetworkPaymentStatus,
} from './status.js';
import { MPGS_AUTHENTICATION_STATUSES, MPGS_GATEWAY_CODES, MPGS_RESULTS } from './wire.js';

/** Every gateway code docs/card-network.md lists, with what a PAY answer carrying it means. */
const LISTED_IN_MPGS_MD: Array<[code: string, withSuccess: NetworkPaymentStatus, withFailure: NetworkPaymentStatus]> = [
  ['APPROVED', 'succeeded', 'pending'],
  ['DECLINED', 'pending', 'failed'],
  ['EXPIRED_CARD', 'pending', 'failed'],
  ['INSUFFICIENT_FUNDS', 'pending', 'failed'],
  ['INVALID_CSC', 'pending', 'failed'],
  ['TIMED_OUT', 'pending', 'failed'],
  ['ACQUIRER_SYSTEM_ERROR', 'pending', 'failed'],
  ['SYSTEM_ERROR', 'pending', 'failed'],
  ['UNSPECIFIED_FAILURE', 'pending', 'failed'],
  ['UNKNOWN', 'pending', 'pending'],
  ['BLOCKED', 'pending', 'failed'],
  ['AUTHENTICATION_FAILED', 'pending', 'failed'],
  ['REFERRED', 'pending', 'failed'],
  ['PENDING', 'pending', 'pending'],
];

describe('mapPaymentStatus', () => {
  describe.each(LISTED_IN_MPGS_MD)('gatewayCode %s', (code, withSuccess, withFailure) => {
    it(`result SUCCESS → ${withSuccess}`, () => {
      expect(mapPaymentStatus({ result: 'SUCCESS', gatewayCode: code })).toBe(withSuccess);
    });
    it(`result FAILURE → ${withFailure}`, () => {
      expect(mapPaymentStatus({ result: 'FAILURE', gatewayCode: code })).toBe(withFailure);
    });
    it.each(['PENDING', 'UNKNOWN', 'ERROR'])('result %s → pending', (result) => {
      expect(mapPaymentStatus({ result, gatewayCode: code })).toBe('pending');
    });
  });

  it('only SUCCESS + an approval code is success, over every known result × code pair', () => {
    for (const result of [...MPGS_RESULTS, 'SOMETHING_NEW', undefined]) {
      for (const gatewayCode of [...MPGS_GATEWAY_CODES, 'SOMETHING_NEW', undefined]) {
        const status = mapPaymentStatus({
          ...(result !== undefined && { result }),
          ...(gatewayCode !== undefined && { gatewayCode }),
        });
        const approval = gatewayCode === 'APPROVED' || gatewayCode === 'APPROVED_AUTO' || gatewayCode === 'APPROVED_PENDING_SETTLEMENT';
        expect(status === 'succeeded', `${result} ${gatewayCode}`).toBe(result === 'SUCCESS' && approval);
      }
    }
  });

  it.each([['APPROVED_AUTO'], ['APPROVED_PENDING_SETTLEMENT']])('%s with SUCCESS is a charged payment (the reference names it approved)', (gatewayCode) => {
    expect(mapPaymentStatus({ result: 'SUCCESS', gatewayCode })).toBe('succeeded');
    expect(mapPaymentStatus({ result: 'FAILURE', gatewayCode })).toBe('pending');
    expect(mapPaymentStatus({ result: 'PENDING', gatewayCode })).toBe('pending');
  });

  it.each([['PARTIALLY_APPROVED'], ['SUBMITTED'], ['DEFERRED_TRANSACTION_RECEIVED']])('near-approval %s is pending, never success', (gatewayCode) => {
    expect(mapPaymentStatus({ result: 'SUCCESS', gatewayCode })).toBe('pending');
  });

  it.each([
    [{ result: 'SUCCESS', gatewayCode: 'approved' }], // case matters
    [{ result: 'success', gatewayCode: 'APPROVED' }],
    [{ result: 'SUCCESS' }],
    [{ gatewayCode: 'APPROVED' }],
    [{}],
    [{ result: 'SUCCESS', gatewayCode: 'BRAND_NEW_CODE' }],
    [{ result: 'FAILURE', gatewayCode: 'BRAND_NEW_CODE' }],
    [{ result: 'NEW_RESULT', gatewayCode: 'APPROVED' }],
  ])('unrecognised or incomplete %j → pending', (answer) => {
    expect(mapPaymentStatus(answer)).toBe('pending');
  });

  it('every known gateway code has a class', () => {
    for (const code of MPGS_GATEWAY_CODES) {
      expect(['approved', 'declined', 'indeterminate']).toContain(classifyGatewayCode(code));
    }
    expect(MPGS_GATEWAY_CODES.filter((c) => classifyGatewayCode(c) === 'approved')).toEqual(['APPROVED', 'APPROVED_AUTO', 'APPROVED_PENDING_SETTLEMENT']);
  });
});

describe('classifyRecommendation', () => {
  it.each([
    ['PROCEED', 'proceed'],
    ['PROCEED_WITH_PAYMENT', 'proceed'],
    ['DO_NOT_PROCEED', 'stop'],
    ['DO_NOT_PROCEED_ABANDON_ORDER', 'stop'],
    ['RESUBMIT_WITH_ALTERNATIVE_PAYMENT_DETAILS', 'stop'],
    ['proceed', 'none'],
    ['SOMETHING_NEW', 'none'],
    [undefined, 'none'],
  ])('%s → %s', (recommendation, expected) => {
    expect(classifyRecommendation(recommendation)).toBe(expected);
  });
});

describe('mapAuthenticationStatus', () => {
  const table: Array<[string, Parameters<typeof mapAuthenticationStatus>[0], AuthenticationStatus]> = [
    // INITIATE_AUTHENTICATION (docs/card-network.md step 1)
    [
      'initiate: available',
      { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_AVAILABLE', gatewayRecommendation: 'PROCEED', orderStatus: 'AUTHENTICATION_INITIATED' },
      'proceed',
    ],
    ['initiate: unavailable', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_UNAVAILABLE', gatewayRecommendation: 'PROCEED' }, 'unavailable'],
    ['initiate: not supported', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_NOT_SUPPORTED', gatewayRecommendation: 'PROCEED' }, 'unavailable'],
    ['initiate: not in effect', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_NOT_IN_EFFECT' }, 'unavailable'],
    ['initiate: available without recommendation', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_AVAILABLE' }, 'pending'],
    // AUTHENTICATE_PAYER (step 2)
    ['challenge', { result: 'PENDING', authenticationStatus: 'AUTHENTICATION_PENDING', gatewayRecommendation: 'PROCEED' }, 'challenge'],
    ['frictionless', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'PROCEED' }, 'proceed'],
    ['attempted', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_ATTEMPTED', gatewayRecommendation: 'PROCEED' }, 'proceed'],
    ['exempt', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_EXEMPT', gatewayRecommendation: 'PROCEED' }, 'proceed'],
    ['PROCEED_* variant', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'PROCEED_WITH_PAYMENT' }, 'proceed'],
    [
      'successful but DO_NOT_PROCEED',
      { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'DO_NOT_PROCEED' },
      'failed',
    ],
    ['successful, no recommendation', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL' }, 'pending'],
    [
      'failed (docs/card-network.md example)',
      { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_FAILED', gatewayRecommendation: 'DO_NOT_PROCEED', orderStatus: 'AUTHENTICATION_UNSUCCESSFUL' },
      'failed',
    ],
    ['rejected', { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_REJECTED', gatewayRecommendation: 'DO_NOT_PROCEED' }, 'failed'],
    ['rejected, result SUCCESS', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_REJECTED' }, 'failed'],
    ['required', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_REQUIRED' }, 'failed'],
    [
      'abandon order',
      { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'DO_NOT_PROCEED_ABANDON_ORDER' },
      'failed',
    ],
    ['resubmit', { result: 'SUCCESS', gatewayRecommendation: 'RESUBMIT_WITH_ALTERNATIVE_PAYMENT_DETAILS' }, 'failed'],
    ['order unsuccessful only', { result: 'SUCCESS', orderStatus: 'AUTHENTICATION_UNSUCCESSFUL' }, 'failed'],
    ['result FAILURE only', { result: 'FAILURE' }, 'failed'],
    // Unknowns
    ['no status', { result: 'SUCCESS', gatewayRecommendation: 'PROCEED' }, 'pending'],
    ['unknown status', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_BRAND_NEW', gatewayRecommendation: 'PROCEED' }, 'pending'],
    [
      'unavailable at AUTHENTICATE_PAYER (recoverable)',
      { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_UNAVAILABLE', gatewayRecommendation: 'PROCEED', orderStatus: 'AUTHENTICATION_UNSUCCESSFUL' },
      'unavailable',
    ],
    [
      'unavailable but DO_NOT_PROCEED',
      { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_UNAVAILABLE', gatewayRecommendation: 'DO_NOT_PROCEED' },
      'failed',
    ],
    ['successful but result FAILURE', { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'PROCEED' }, 'failed'],
    [
      'successful but order unsuccessful',
      { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'PROCEED', orderStatus: 'AUTHENTICATION_UNSUCCESSFUL' },
      'failed',
    ],
    ['pending but result FAILURE', { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_PENDING', gatewayRecommendation: 'PROCEED' }, 'failed'],
    ['unknown status, result FAILURE', { result: 'FAILURE', authenticationStatus: 'AUTHENTICATION_BRAND_NEW', gatewayRecommendation: 'PROCEED' }, 'failed'],
    ['unknown recommendation', { result: 'SUCCESS', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', gatewayRecommendation: 'MAYBE' }, 'pending'],
    ['empty', {}, 'pending'],
  ];

  it.each(table)('%s', (_name, answer, expected) => {
    expect(mapAuthenticationStatus(answer)).toBe(expected);
  });

  it('never says proceed for a FAILURE answer, for every known status', () => {
    for (const authenticationStatus of MPGS_AUTHENTICATION_STATUSES) {
      expect(mapAuthenticationStatus({ result: 'FAILURE', authenticationStatus, gatewayRecommendation: 'PROCEED' })).not.toBe('proceed');
    }
  });

  it('never says proceed without a PROCEED recommendation, for every known status', () => {
    for (const authenticationStatus of MPGS_AUTHENTICATION_STATUSES) {
      for (const gatewayRecommendation of ['DO_NOT_PROCEED', 'MAYBE', undefined]) {
        const status = mapAuthenticationStatus({
          result: 'SUCCESS',
          authenticationStatus,
          ...(gatewayRecommendation !== undefined && { gatewayRecommendation }),
        });
        expect(status).not.toBe('proceed');
      }
    }
  });
});

describe('mapSecurityCode', () => {
  it('maps every CSC result the network names, and anything else to not_processed (never to match)', () => {
    expect(mapSecurityCode('MATCH')).toBe('match');
    expect(mapSecurityCode('NO_MATCH')).toBe('no_match');
    expect(mapSecurityCode('NOT_PRESENT')).toBe('not_provided');
    expect(mapSecurityCode('NOT_PROVIDED')).toBe('not_provided');
    expect(mapSecurityCode('NOT_PROCESSED')).toBe('not_processed');
    expect(mapSecurityCode('NOT_SUPPORTED')).toBe('not_processed');
    expect(mapSecurityCode('match')).toBe('not_processed');
    expect(mapSecurityCode(undefined)).toBeNull();
  });
});
