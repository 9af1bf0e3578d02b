import { describe, expect, it } from 'vitest';
import {
  authenticatePayerRequest,
  createSessionRequest,
  decimalAmount,
  hostedSession,
  initiateAuthenticationRequest,
  maskCardNumber,
  payRequest,
  refundRequest,
  toAuthenticationOutcome,
  toHostedSessionId,
  toMaskedCard,
  toPaymentOutcome,
  voidRequest,
  wireCurrency,
} from './transformers.js';
import type { WireSessionAnswer, WireTransactionAnswer } from './wire.js';

const SESSION = 'SESSION0002816562472I0271878F98';

describe('request bodies are byte-identical to the docs/card-network.md examples', () => {
  it('create session', () => {
    expect(JSON.stringify(createSessionRequest(25))).toBe('{"session":{"authenticationLimit":25}}');
  });

  it('INITIATE_AUTHENTICATION', () => {
    expect(JSON.stringify(initiateAuthenticationRequest({ hostedSessionId: SESSION, currency: 'usd' }))).toBe(
      '{"apiOperation":"INITIATE_AUTHENTICATION","authentication":{"acceptVersions":"3DS2",' +
        '"channel":"PAYER_BROWSER","purpose":"PAYMENT_TRANSACTION"},"order":{"currency":"USD"},' +
        `"session":{"id":"${SESSION}"}}`,
    );
  });

  it('AUTHENTICATE_PAYER with browser details and redirectResponseUrl', () => {
    const body = authenticatePayerRequest({
      hostedSessionId: SESSION,
      amount: '1.00',
      currency: 'USD',
      redirectResponseUrl: 'https://pdirect.example/v1/3ds/return',
      browser: {
        userAgent: 'MOZILLA',
        challengeWindowSize: 'FULL_SCREEN',
        acceptHeaders: 'application/json',
        colorDepth: 24,
        javaEnabled: true,
        language: 'en-US',
        screenHeight: 640,
        screenWidth: 480,
        timeZone: 273,
      },
      ipAddress: '127.0.0.1',
    });
    expect(JSON.stringify(body)).toBe(
      '{"apiOperation":"AUTHENTICATE_PAYER","authentication":{"redirectResponseUrl":"https://pdirect.example/v1/3ds/return"},' +
        '"device":{"browser":"MOZILLA","browserDetails":{"3DSecureChallengeWindowSize":"FULL_SCREEN",' +
        '"acceptHeaders":"application/json","colorDepth":24,"javaEnabled":true,"language":"en-US",' +
        '"screenHeight":640,"screenWidth":480,"timeZone":273},"ipAddress":"127.0.0.1"},' +
        `"order":{"amount":"1.00","currency":"USD"},"session":{"id":"${SESSION}"}}`,
    );
  });

  it('AUTHENTICATE_PAYER with only the User-Agent', () => {
    const body = authenticatePayerRequest({
      hostedSessionId: SESSION,
      amount: '1.00',
      currency: 'usd',
      redirectResponseUrl: 'http://127.0.0.1:3000/return',
      browser: { userAgent: 'Mozilla/5.0' },
    });
    expect(JSON.stringify(body)).toBe(
      '{"apiOperation":"AUTHENTICATE_PAYER","authentication":{"redirectResponseUrl":"http://127.0.0.1:3000/return"},' +
        `"device":{"browser":"Mozilla/5.0"},"order":{"amount":"1.00","currency":"USD"},"session":{"id":"${SESSION}"}}`,
    );
  });

  it('AUTHENTICATE_PAYER requires the User-Agent (MPGS device.browser)', () => {
    const base = { hostedSessionId: SESSION, amount: '1.00', currency: 'USD', redirectResponseUrl: 'https://x.example/r' };
    expect(() => authenticatePayerRequest({ ...base, browser: { userAgent: '' } })).toThrow(TypeError);
    expect(() => authenticatePayerRequest({ ...base, browser: undefined as never })).toThrow(TypeError);
  });

  it('PAY with authentication.transactionId', () => {
    const body = payRequest({
      authTransactionId: 'auth-1',
      hostedSessionId: SESSION,
      amount: '12.50',
      currency: 'USD',
      reference: 'ref-42',
    });
    expect(JSON.stringify(body)).toBe(
      '{"apiOperation":"PAY","authentication":{"transactionId":"auth-1"},' +
        '"order":{"amount":"12.50","currency":"USD","reference":"ref-42"},' +
        `"session":{"id":"${SESSION}"},"sourceOfFunds":{"type":"CARD"},"transaction":{"reference":"ref-42"}}`,
    );
  });

  it('PAY without 3-D Secure or references', () => {
    const body = payRequest({ hostedSessionId: SESSION, amount: '0.10', currency: 'idr' });
    expect(JSON.stringify(body)).toBe(
      `{"apiOperation":"PAY","order":{"amount":"0.10","currency":"IDR"},"session":{"id":"${SESSION}"},"sourceOfFunds":{"type":"CARD"}}`,
    );
  });

  it('REFUND', () => {
    expect(JSON.stringify(refundRequest({ amount: '5.00', currency: 'usd' }))).toBe(
      '{"apiOperation":"REFUND","transaction":{"amount":"5.00","currency":"USD"}}',
    );
  });

  it('VOID', () => {
    expect(JSON.stringify(voidRequest({ targetTransactionId: 'pay-1' }))).toBe('{"apiOperation":"VOID","transaction":{"targetTransactionId":"pay-1"}}');
  });
});

describe('amounts, currencies and ids', () => {
  it.each(['0', '1', '1.0', '12.50', '1000000.123', '0.01'])('keeps amount %s exactly', (amount) => {
    expect(decimalAmount(amount)).toBe(amount);
    expect(refundRequest({ amount, currency: 'USD' }).transaction.amount).toBe(amount);
  });

  it.each(['', '1.', '.5', '-1', '1e3', '01.00', '1,00', ' 1.00', '1.0000', 'NaN'])('rejects amount %j', (amount) => {
    expect(() => decimalAmount(amount)).toThrow(TypeError);
  });

  it('rejects non-string amounts even if a caller casts', () => {
    expect(() => decimalAmount(12.5 as unknown as string)).toThrow(TypeError);
  });

  it('upper-cases currency and rejects anything else', () => {
    expect(wireCurrency('eur')).toBe('EUR');
    expect(() => wireCurrency('EURO')).toThrow(TypeError);
    expect(() => wireCurrency('E1R')).toThrow(TypeError);
  });

  it('rejects ids that could break out of the URL path', () => {
    expect(() => payRequest({ authTransactionId: '../x', hostedSessionId: SESSION, amount: '1', currency: 'USD' })).toThrow(TypeError);
    expect(() => voidRequest({ targetTransactionId: 'a/b' })).toThrow(TypeError);
    expect(() => payRequest({ hostedSessionId: 'not-a-session', amount: '1', currency: 'USD' })).toThrow(TypeError);
  });

  it('rejects a redirectResponseUrl that is not http(s)', () => {
    const base = { hostedSessionId: SESSION, amount: '1.00', currency: 'USD', browser: { userAgent: 'UA' } };
    expect(() => authenticatePayerRequest({ ...base, redirectResponseUrl: 'javascript:alert(1)' })).toThrow(TypeError);
    expect(() => authenticatePayerRequest({ ...base, redirectResponseUrl: '/relative' })).toThrow(TypeError);
  });
});

describe('session answers', () => {
  const answer: WireSessionAnswer = {
    merchant: 'TESTMID',
    result: 'SUCCESS',
    session: {
      id: SESSION,
      aes256Key: 'c2VjcmV0LWtleS1ieXRlcy1zZWNyZXQta2V5LWJ5dGVzIQ==',
      authenticationLimit: 5,
      updateStatus: 'NO_UPDATE',
      version: '4302083301',
    },
  };

  it('takes the id and drops the aes256Key', () => {
    const session = hostedSession({
      id: toHostedSessionId(answer),
      baseUrl: 'https://mpgs.example',
      apiVersion: 100,
      merchantId: 'TESTMID',
    });
    expect(session).toEqual({
      hostedSessionId: SESSION,
      sessionJsUrl: 'https://mpgs.example/form/version/100/merchant/TESTMID/session.js',
      apiVersion: 100,
      merchantId: 'TESTMID',
    });
    expect(JSON.stringify(session)).not.toContain(answer.session.aes256Key);
  });

  it('refuses an answer without a session id', () => {
    expect(() => toHostedSessionId({ merchant: 'M', result: 'SUCCESS', session: { id: '' } })).toThrow(TypeError);
  });
});

describe('masked card', () => {
  it('reads brand, masked number and expiry', () => {
    expect(
      toMaskedCard({
        brand: 'MASTERCARD',
        expiry: { month: '1', year: '39' },
        fundingMethod: 'DEBIT',
        nameOnCard: 'A Payer',
        number: '512345xxxxxx8769',
        scheme: 'MASTERCARD',
      }),
    ).toEqual({ brand: 'MASTERCARD', maskedNumber: '512345xxxxxx8769', expiryMonth: '01', expiryYear: '39' });
  });

  it.each([
    ['5123450000000008', '512345xxxxxx0008'],
    ['371881634498004', '371881xxxxx8004'],
    ['4508 7500 1574 1019', '450875xxxxxx1019'],
    ['512345xxxxxx8769', '512345xxxxxx8769'],
    ['1234567890', 'xxxxxx7890'],
  ])('never lets a full PAN through: %s → %s', (number, masked) => {
    expect(maskCardNumber(number)).toBe(masked);
  });

  it('returns null when the answer has no card', () => {
    expect(toMaskedCard(undefined)).toBeNull();
    expect(toMaskedCard({})).toBeNull();
  });
});

describe('transaction answers', () => {
  const ids = { orderId: 'ord-1', transactionId: 'pay-1' };
  const payAnswer: WireTransactionAnswer = {
    merchant: 'TESTMID',
    result: 'SUCCESS',
    response: { gatewayCode: 'APPROVED', acquirerCode: '00' },
    order: { id: 'ord-1', amount: 12.5, currency: 'USD', status: 'CAPTURED', totalCapturedAmount: 12.5 },
    transaction: { id: 'pay-1', type: 'PAYMENT', amount: 12.5, currency: 'USD' },
    sourceOfFunds: {
      type: 'CARD',
      provided: { card: { brand: 'MASTERCARD', number: '511111xxxxxx1118', expiry: { month: '1', year: '39' } } },
    },
  };

  it('maps an approved PAY', () => {
    expect(toPaymentOutcome(payAnswer, ids)).toEqual({
      status: 'succeeded',
      reconcile: false,
      orderId: 'ord-1',
      transactionId: 'pay-1',
      transactionType: 'PAYMENT',
      result: 'SUCCESS',
      gatewayCode: 'APPROVED',
      orderStatus: 'CAPTURED',
      amount: '12.5',
      currency: 'USD',
      card: { brand: 'MASTERCARD', maskedNumber: '511111xxxxxx1118', expiryMonth: '01', expiryYear: '39' },
      securityCode: null,
    });
  });

  it('marks unknown outcomes for reconciliation', () => {
    const outcome = toPaymentOutcome({ ...payAnswer, result: 'UNKNOWN', response: { gatewayCode: 'UNKNOWN' } }, ids);
    expect(outcome).toMatchObject({ status: 'pending', reconcile: true });
  });

  it('falls back to the caller ids when the answer omits them', () => {
    expect(toPaymentOutcome({ result: 'FAILURE', response: { gatewayCode: 'DECLINED' } }, ids)).toMatchObject({
      status: 'failed',
      orderId: 'ord-1',
      transactionId: 'pay-1',
      card: null,
    });
  });

  it('maps a challenge with its redirect html', () => {
    const outcome = toAuthenticationOutcome(
      {
        result: 'PENDING',
        response: { gatewayCode: 'PENDING', gatewayRecommendation: 'PROCEED' },
        order: { id: 'ord-1', status: 'AUTHENTICATION_INITIATED' },
        transaction: { id: 'auth-1', type: 'AUTHENTICATION', authenticationStatus: 'AUTHENTICATION_PENDING' },
        authentication: { payerInteraction: 'REQUIRED', redirect: { html: '<div id="threedsChallengeRedirect"></div>' } },
      },
      { orderId: 'ord-1', authTransactionId: 'auth-1' },
    );
    expect(outcome).toEqual({
      status: 'challenge',
      orderId: 'ord-1',
      authTransactionId: 'auth-1',
      result: 'PENDING',
      gatewayCode: 'PENDING',
      gatewayRecommendation: 'PROCEED',
      authenticationStatus: 'AUTHENTICATION_PENDING',
      orderStatus: 'AUTHENTICATION_INITIATED',
      payerInteraction: 'REQUIRED',
      redirectHtml: '<div id="threedsChallengeRedirect"></div>',
      card: null,
      securityCode: null,
    });
  });

  it('reads the older redirectHtml field and order.authenticationStatus as fallbacks', () => {
    const outcome = toAuthenticationOutcome(
      {
        result: 'SUCCESS',
        response: { gatewayRecommendation: 'PROCEED' },
        order: { authenticationStatus: 'AUTHENTICATION_SUCCESSFUL' },
        authentication: { redirectHtml: '<form></form>' },
      },
      { orderId: 'ord-1', authTransactionId: 'auth-1' },
    );
    expect(outcome).toMatchObject({ status: 'proceed', redirectHtml: '<form></form>', authTransactionId: 'auth-1' });
  });
});
