import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticatePayerBody,
  formFields,
  initiateBody,
  parseChallengeHtml,
  payBody,
  postForm,
  startTestSimulator,
  uniqueId,
  type TestSimulator,
} from './helpers.js';

let t: TestSimulator;
const REDIRECT_URL = 'https://merchant.example/3ds/return?x=1';

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.sim.close();
});

/** INITIATE + AUTHENTICATE_PAYER on a fresh order for this card. */
async function authenticate(number: string, expiry: { month?: string; year?: string } = {}, options: { runMethod?: boolean } = {}) {
  const sessionId = await t.api.sessionWithCard({ number, csc: number.startsWith('3') ? '1000' : '100', ...expiry });
  const orderId = uniqueId('order');
  const initiate = await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
  // As a browser does: the 3DS method form (when the ACS has one) is posted in a hidden frame first.
  const methodHtml = initiate.body.authentication?.redirect?.html as string | undefined;
  if (methodHtml && options.runMethod !== false) {
    const action = /action="([^"]+)"/.exec(methodHtml)![1]!;
    const data = /name="threeDSMethodData" value="([^"]+)"/.exec(methodHtml)![1]!;
    expect((await postForm(action, { threeDSMethodData: data })).status).toBe(200);
  }
  const payer = await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL));
  return { sessionId, orderId, initiate, payer };
}

/** Plays the payer on the simulated ACS: opens the challenge page and picks an outcome. */
async function answerChallenge(html: string, outcome: string) {
  const { acsUrl, creq } = parseChallengeHtml(html);
  const page = await postForm(acsUrl, { creq });
  expect(page.status).toBe(200);
  const acsTransID = /name="acsTransID" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
  const result = await postForm(`${new URL(acsUrl).origin}/acs/challenge/result`, { acsTransID, outcome });
  expect(result.status).toBe(200);
  return { challengePage: page.html, resultPage: result.html };
}

describe('INITIATE_AUTHENTICATION', () => {
  it('reports AUTHENTICATION_AVAILABLE with a 3DS-method snippet for an enrolled card', async () => {
    const { orderId, initiate } = await authenticate('5123450000000008');
    expect(initiate.status).toBe(201);
    expect(initiate.body).toMatchObject({
      result: 'SUCCESS',
      response: { gatewayCode: 'AUTHENTICATION_IN_PROGRESS', gatewayRecommendation: 'PROCEED' },
      order: { id: orderId, status: 'AUTHENTICATION_INITIATED', authenticationStatus: 'AUTHENTICATION_AVAILABLE', totalCapturedAmount: 0 },
      transaction: { id: 'auth-1', type: 'AUTHENTICATION', authenticationStatus: 'AUTHENTICATION_AVAILABLE', amount: 0, currency: 'USD' },
      authentication: {
        version: '3DS2',
        channel: 'PAYER_BROWSER',
        purpose: 'PAYMENT_TRANSACTION',
        acceptVersions: '3DS2',
        '3ds2': { methodSupported: 'SUPPORTED' },
      },
      sourceOfFunds: { provided: { card: { number: '512345xxxxxx0008' } } },
    });
    const html = initiate.body.authentication.redirect.html as string;
    expect(html).toContain('name="threeDSMethodData"');
    expect(html).toContain(`action="${t.sim.url}/acs/3ds-method"`);
    expect(html).toMatch(/<script id="initiate-authentication-script">[\s\S]*submit\(\)/);
    expect((await postForm(`${t.sim.url}/acs/3ds-method`, { threeDSMethodData: 'x' })).status).toBe(200);
  });

  it('reports AUTHENTICATION_UNAVAILABLE (PROCEED, no snippet) for a card outside the 3DS table', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const orderId = uniqueId('order');
    const initiate = await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
    expect(initiate.body).toMatchObject({
      result: 'SUCCESS',
      response: { gatewayCode: 'NOT_ENROLLED_3D_SECURE', gatewayRecommendation: 'PROCEED' },
      transaction: { authenticationStatus: 'AUTHENTICATION_UNAVAILABLE' },
      order: { status: 'AUTHENTICATION_NOT_NEEDED' },
    });
    expect(initiate.body.authentication.redirect).toBeUndefined();
    const payer = await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL));
    expect(payer.status).toBe(400);
    const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(pay.body).toMatchObject({ result: 'SUCCESS', transaction: { authenticationStatus: 'AUTHENTICATION_UNAVAILABLE' } });
  });

  it('reports AUTHENTICATION_NOT_SUPPORTED when 3DS2 is not accepted', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5123450000000008' });
    const body = initiateBody(sessionId);
    (body.authentication as Record<string, string>).acceptVersions = '3DS1';
    const initiate = await t.api.put(uniqueId('order'), 'auth-1', body);
    expect(initiate.body).toMatchObject({
      result: 'SUCCESS',
      transaction: { authenticationStatus: 'AUTHENTICATION_NOT_SUPPORTED' },
      response: { gatewayRecommendation: 'PROCEED' },
    });
  });

  it('answers the generic error for the error-on-INITIATE card and records nothing', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5210760000000004' });
    const orderId = uniqueId('order');
    const initiate = await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
    expect(initiate.status).toBe(400);
    expect(initiate.body).toMatchObject({ result: 'ERROR', error: { cause: 'REQUEST_REJECTED' } });
    expect((await t.api.getOrder(orderId)).status).toBe(400);
  });

  it('requires authentication.channel and a session with a card', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5123450000000008' });
    const noChannel = await t.api.put(uniqueId('order'), 'auth-1', { ...initiateBody(sessionId), authentication: {} });
    expect(noChannel.body.error).toMatchObject({ field: 'authentication.channel', validationType: 'MISSING' });
    const empty = (await t.api.createSession()).body.session.id as string;
    expect((await t.api.put(uniqueId('order'), 'auth-1', initiateBody(empty))).status).toBe(400);
  });
});

describe('challenge cards', () => {
  for (const number of ['5123450000000008', '2223000000000007', '4440000009900010']) {
    it(`${number}: PENDING, ACS "Successful (Y)", POST-back, then PAY`, async () => {
      const { sessionId, orderId, payer } = await authenticate(number);
      expect(payer.status).toBe(201);
      expect(payer.body).toMatchObject({
        result: 'PENDING',
        response: { gatewayCode: 'PENDING', gatewayRecommendation: 'PROCEED' },
        order: { status: 'AUTHENTICATION_INITIATED', authenticationStatus: 'AUTHENTICATION_PENDING' },
        transaction: { authenticationStatus: 'AUTHENTICATION_PENDING', amount: 12.5 },
        authentication: { payerInteraction: 'REQUIRED', redirectResponseUrl: REDIRECT_URL, '3ds2': { transactionStatus: 'C' } },
      });
      const html = payer.body.authentication.redirect.html as string;
      expect(html).toMatch(/<form id="threedsChallengeRedirectForm" method="POST" action="[^"]+\/acs\/challenge" target="challengeFrame">/);
      expect(html).toContain('<iframe id="challengeFrame" name="challengeFrame"');
      expect(html).toMatch(/<script id="authenticate-payer-script">[\s\S]*submit\(\)/);

      // Paying before the payer answered is blocked by 3DS.
      const early = await t.api.put(orderId, 'pay-early', payBody(sessionId, 'auth-1'));
      expect(early.body).toMatchObject({ result: 'FAILURE', response: { gatewayCode: 'AUTHENTICATION_FAILED' } });

      const { challengePage, resultPage } = await answerChallenge(html, 'Y');
      for (const label of ['Successful (Y)', 'Failed (N)', 'Cancelled', 'Unable (U)', 'Rejected (R)']) expect(challengePage).toContain(`>${label}</button>`);
      expect(resultPage).toContain(`action="${REDIRECT_URL.replace('&', '&amp;')}" target="_parent"`);
      expect(formFields(resultPage)).toEqual({
        'order.id': orderId,
        'transaction.id': 'auth-1',
        result: 'SUCCESS',
        'response.gatewayRecommendation': 'PROCEED',
      });

      const auth = await t.api.getTransaction(orderId, 'auth-1');
      expect(auth.body).toMatchObject({
        result: 'SUCCESS',
        response: { gatewayCode: 'APPROVED', gatewayRecommendation: 'PROCEED' },
        transaction: { authenticationStatus: 'AUTHENTICATION_SUCCESSFUL' },
        order: { status: 'AUTHENTICATED', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL' },
        authentication: { '3ds2': { transactionStatus: 'Y' }, '3ds': { acsEci: number.startsWith('4') ? '05' : '02' } },
      });

      const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
      expect(pay.body).toMatchObject({
        result: 'SUCCESS',
        response: { gatewayCode: 'APPROVED' },
        order: { status: 'CAPTURED', totalCapturedAmount: 12.5 },
        transaction: { type: 'PAYMENT', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL' },
        authentication: { transactionId: 'auth-1', version: '3DS2' },
      });
    });
  }

  const failures = [
    ['N', 'AUTHENTICATION_FAILED', 'N'],
    ['CANCELLED', 'AUTHENTICATION_FAILED', 'N'],
    ['U', 'AUTHENTICATION_UNAVAILABLE', 'U'],
    ['R', 'AUTHENTICATION_REJECTED', 'R'],
  ] as const;
  for (const [outcome, status, transStatus] of failures) {
    it(`ACS "${outcome}" → ${status}, DO_NOT_PROCEED, and PAY is declined`, async () => {
      const { sessionId, orderId, payer } = await authenticate('5123450000000008');
      const { resultPage } = await answerChallenge(payer.body.authentication.redirect.html, outcome);
      expect(formFields(resultPage)).toMatchObject({ result: 'FAILURE', 'response.gatewayRecommendation': 'DO_NOT_PROCEED' });
      const auth = await t.api.getTransaction(orderId, 'auth-1');
      expect(auth.body).toMatchObject({
        result: 'FAILURE',
        response: { gatewayCode: 'DECLINED', gatewayRecommendation: 'DO_NOT_PROCEED' },
        transaction: { authenticationStatus: status },
        order: { status: 'AUTHENTICATION_UNSUCCESSFUL' },
        authentication: { '3ds2': { transactionStatus: transStatus, ...(outcome === 'CANCELLED' ? { challengeCancel: '01' } : {}) } },
      });
      const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
      expect(pay.status).toBe(201);
      expect(pay.body).toMatchObject({
        result: 'FAILURE',
        response: { gatewayCode: 'AUTHENTICATION_FAILED', gatewayRecommendation: 'DO_NOT_PROCEED' },
        order: { status: 'FAILED', totalCapturedAmount: 0 },
      });
    });
  }

  it('records only the first answer and keeps replaying the first AUTHENTICATE_PAYER response', async () => {
    const { sessionId, orderId, payer } = await authenticate('5123450000000008');
    await answerChallenge(payer.body.authentication.redirect.html, 'Y');
    const second = await answerChallenge(payer.body.authentication.redirect.html, 'N');
    expect(formFields(second.resultPage).result).toBe('SUCCESS');
    const repeat = await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL));
    expect(repeat.text).toBe(payer.text);
    expect((await t.api.getTransaction(orderId, 'auth-1')).body.transaction.authenticationStatus).toBe('AUTHENTICATION_SUCCESSFUL');
  });

  it('still lets the card expiry decide the payment after a successful challenge', async () => {
    const { sessionId, orderId, payer } = await authenticate('5123450000000008', { month: '05', year: '39' });
    await answerChallenge(payer.body.authentication.redirect.html, 'Y');
    const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(pay.body).toMatchObject({ result: 'FAILURE', response: { gatewayCode: 'DECLINED' } });
  });

  it('blocks a PAY that ignores an unfinished authentication on the order', async () => {
    const { sessionId, orderId } = await authenticate('5123450000000008');
    const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(pay.body.response.gatewayCode).toBe('AUTHENTICATION_FAILED');
    // Not naming the authentication at all is refused outright.
    const unnamed = await t.api.put(orderId, 'pay-3', payBody(sessionId));
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'authentication.transactionId', validationType: 'MISSING' });
    const unknownAuth = await t.api.put(orderId, 'pay-2', payBody(sessionId, 'no-such-auth'));
    expect(unknownAuth.status).toBe(400);
    expect(unknownAuth.body.error.field).toBe('authentication.transactionId');
  });
});

describe('the 3DS method and the browser data the gateway requires', () => {
  it('a method-capable card gets its method html (and its parts in customizedHtml); skipped, the frictionless card is challenged', async () => {
    const { initiate, payer, orderId } = await authenticate('5123456789012346', {}, { runMethod: false });
    expect(initiate.body.authentication.redirect.html).toContain('threeDSMethodData');
    expect(initiate.body.authentication.redirect.customizedHtml['3ds2']).toMatchObject({
      methodUrl: `${t.sim.url}/acs/3ds-method`,
      methodPostData: expect.any(String),
    });
    expect(initiate.body.authentication['3ds2']).toMatchObject({ methodSupported: 'SUPPORTED', methodCompleted: false });
    expect(payer.body).toMatchObject({ result: 'PENDING', transaction: { authenticationStatus: 'AUTHENTICATION_PENDING' } });
    expect(payer.body.authentication.redirect.customizedHtml['3ds2']).toMatchObject({ acsUrl: `${t.sim.url}/acs/challenge`, cReq: expect.any(String) });
    expect((await t.api.getTransaction(orderId, 'auth-1')).body.authentication['3ds2'].methodCompleted).toBe(false);
  });

  it('run, the method is recorded (methodCompleted) and the card is frictionless', async () => {
    const { payer } = await authenticate('5123456789012346');
    expect(payer.body).toMatchObject({ result: 'SUCCESS', authentication: { '3ds2': { methodCompleted: true } } });
  });

  it('a card whose ACS has no method gets no method html', async () => {
    const { initiate } = await authenticate('5555555555000018');
    expect(initiate.body.authentication.redirect).toBeUndefined();
    expect(initiate.body.authentication['3ds2']).toMatchObject({ methodSupported: 'NOT_SUPPORTED' });
  });

  it('AUTHENTICATE_PAYER without device.browserDetails.acceptHeaders is refused (400 MISSING)', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5555555555000018' });
    const orderId = uniqueId('order');
    await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
    const body = structuredClone(authenticatePayerBody(sessionId, REDIRECT_URL)) as { device: { browserDetails: Record<string, unknown> } };
    delete body.device.browserDetails.acceptHeaders;
    const refused = await t.api.put(orderId, 'auth-1', body as unknown as Record<string, unknown>);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'device.browserDetails.acceptHeaders', validationType: 'MISSING' });
  });

  it('PAY after "authentication unavailable" must still name the authentication transaction', async () => {
    const { sessionId, orderId } = await authenticate('5123459999998221');
    const unnamed = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toMatchObject({ field: 'authentication.transactionId', validationType: 'MISSING' });
    const named = await t.api.put(orderId, 'pay-2', payBody(sessionId, 'auth-1'));
    expect(named.body).toMatchObject({ result: 'SUCCESS', authentication: { transactionId: 'auth-1' } });
  });

  it('order.reference and transaction.reference longer than 40 characters are refused', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const pay = payBody(sessionId);
    // The session's own amount and currency (the simulator also binds those): only the reference is wrong.
    const body = { ...pay, order: { ...(pay.order as object), reference: 'r'.repeat(41) } };
    const refused = await t.api.put(uniqueId('order'), 'pay-1', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('order.reference');
  });
});

describe('cards without a challenge', () => {
  for (const [number, status, transStatus] of [
    ['5123456789012346', 'AUTHENTICATION_SUCCESSFUL', 'Y'],
    ['5555555555000018', 'AUTHENTICATION_SUCCESSFUL', 'Y'],
    ['4440000042200014', 'AUTHENTICATION_SUCCESSFUL', 'Y'],
    ['5500005555555559', 'AUTHENTICATION_ATTEMPTED', 'A'],
  ] as const) {
    it(`${number} → ${status}, auto-post to redirectResponseUrl, PAY succeeds`, async () => {
      const { sessionId, orderId, payer } = await authenticate(number);
      expect(payer.body).toMatchObject({
        result: 'SUCCESS',
        response: { gatewayCode: 'APPROVED', gatewayRecommendation: 'PROCEED' },
        transaction: { authenticationStatus: status },
        order: { status: 'AUTHENTICATED' },
        authentication: { payerInteraction: 'NOT_REQUIRED', '3ds2': { transactionStatus: transStatus } },
      });
      const html = payer.body.authentication.redirect.html as string;
      expect(html).toContain(`action="${REDIRECT_URL.replace('&', '&amp;')}" target="_self"`);
      expect(formFields(html)).toEqual({ 'order.id': orderId, 'transaction.id': 'auth-1', result: 'SUCCESS', 'response.gatewayRecommendation': 'PROCEED' });
      const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
      expect(pay.body).toMatchObject({ result: 'SUCCESS', transaction: { authenticationStatus: status } });
    });
  }

  it('5506900140100503 (rejected) → FAILURE, DECLINED, DO_NOT_PROCEED; PAY declined', async () => {
    const { sessionId, orderId, payer } = await authenticate('5506900140100503');
    expect(payer.body).toMatchObject({
      result: 'FAILURE',
      response: { gatewayCode: 'DECLINED', gatewayRecommendation: 'DO_NOT_PROCEED' },
      transaction: { authenticationStatus: 'AUTHENTICATION_REJECTED' },
      order: { status: 'AUTHENTICATION_UNSUCCESSFUL' },
      authentication: { '3ds2': { transactionStatus: 'R', statusReasonCode: '04' } },
    });
    const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(pay.body.response.gatewayCode).toBe('AUTHENTICATION_FAILED');
  });

  it('5455031257390496 (error on AUTHENTICATE_PAYER) → generic error, authentication left AVAILABLE', async () => {
    const { orderId, initiate, payer } = await authenticate('5455031257390496');
    expect(initiate.body.transaction.authenticationStatus).toBe('AUTHENTICATION_AVAILABLE');
    expect(payer.status).toBe(400);
    expect(payer.body).toMatchObject({ result: 'ERROR', error: { cause: 'REQUEST_REJECTED' } });
    expect((await t.api.getTransaction(orderId, 'auth-1')).body.transaction.authenticationStatus).toBe('AUTHENTICATION_AVAILABLE');
  });

  it('5123459999998221 → AUTHENTICATION_UNAVAILABLE with PROCEED; PAY goes through unauthenticated', async () => {
    const { sessionId, orderId, payer } = await authenticate('5123459999998221');
    expect(payer.body).toMatchObject({
      result: 'FAILURE',
      response: { gatewayCode: 'DECLINED', gatewayRecommendation: 'PROCEED' },
      transaction: { authenticationStatus: 'AUTHENTICATION_UNAVAILABLE' },
    });
    expect(payer.body.authentication.redirect).toBeUndefined();
    const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(pay.body).toMatchObject({ result: 'SUCCESS', transaction: { authenticationStatus: 'AUTHENTICATION_UNAVAILABLE' } });
  });
});

describe('AUTHENTICATE_PAYER validation', () => {
  it('needs a prior INITIATE on the same ids, a redirectResponseUrl and device.browser', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5123450000000008' });
    const orderId = uniqueId('order');
    expect((await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL))).status).toBe(400);
    await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
    const noUrl = await t.api.put(orderId, 'auth-1', { ...authenticatePayerBody(sessionId, REDIRECT_URL), authentication: {} });
    expect(noUrl.body.error).toMatchObject({ field: 'authentication.redirectResponseUrl', validationType: 'MISSING' });
    const badUrl = await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, 'javascript:alert(1)'));
    expect(badUrl.body.error).toMatchObject({ field: 'authentication.redirectResponseUrl', validationType: 'INVALID' });
    const noDevice = await t.api.put(orderId, 'auth-1', { ...authenticatePayerBody(sessionId, REDIRECT_URL), device: {} });
    expect(noDevice.body.error).toMatchObject({ field: 'device.browser', validationType: 'MISSING' });
    const ok = await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL));
    expect(ok.body.result).toBe('PENDING');
  });

  it('enforces the session authenticationLimit', async () => {
    const sessionId = (await t.api.createSession({ session: { authenticationLimit: 1 } })).body.session.id as string;
    await t.api.updateSession(sessionId, { sourceOfFunds: { provided: { card: { number: '5555555555000018', expiry: { month: '1', year: '39' } } } } });
    const first = uniqueId('order');
    await t.api.put(first, 'auth-1', initiateBody(sessionId));
    expect((await t.api.put(first, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL))).body.result).toBe('SUCCESS');
    const second = uniqueId('order');
    await t.api.put(second, 'auth-1', initiateBody(sessionId));
    const refused = await t.api.put(second, 'auth-1', authenticatePayerBody(sessionId, REDIRECT_URL));
    expect(refused.body.error).toMatchObject({ field: 'session.id' });
  });

  it('shows an error page for an unknown challenge', async () => {
    const bogus = Buffer.from(JSON.stringify({ messageType: 'CReq', acsTransID: 'nope' })).toString('base64url');
    const page = await postForm(`${t.sim.url}/acs/challenge`, { creq: bogus });
    expect(page.status).toBe(400);
    expect(page.html).toContain('3-D Secure error');
  });
});
