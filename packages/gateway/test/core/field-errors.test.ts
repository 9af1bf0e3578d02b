import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { sessionBody } from '../support/checkout.js';
import { Pdirect, PdirectError, type SessionCreateParams } from '../../../sdk-node/src/index.js';

const REQUIRED = ['amount', 'currency', 'customer_reference', 'order_id', 'notify_url', 'success_redirect_url', 'fail_redirect_url'];

/** 1010 names every invalid field (param, code, message in plain words); single-field errors carry `param`. */
describe.each(testDatabases())('errors that name every field ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { merchant: { name: 'Fields Shop', redirectHosts: ['localhost', '127.0.0.1'] } });
  let gw: TestGateway;
  let secret: string;

  beforeAll(() => ({ gw, secret } = fixture));

  const mint = (body: Record<string, unknown>) => http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(secret), body });

  it('an empty mint body: one 1010 listing every missing field with its param', async () => {
    const res = await mint({});
    expect(res.status).toBe(400);
    expect(res.body.error.error_code).toBe('1010');
    expect(res.body.error.errors).toEqual(REQUIRED.map((param) => ({ param, code: 'required', message: `${param} is required` })));
    expect(res.body.error.message).toBe(`amount is required (and ${REQUIRED.length - 1} more invalid fields: see errors)`);
    expect(res.body.error.param).toBeUndefined();
  });

  it('every kind of problem at once, in plain words (no validator wording)', async () => {
    const res = await mint({
      ...sessionBody(),
      currency: 'dollars',
      customer_reference: '',
      ttl_seconds: 5,
      require_otp: 'yes',
      capture_mode: 'MAGIC',
      colour: 'red',
    });
    expect(res.status).toBe(400);
    const byParam = Object.fromEntries(res.body.error.errors.map((e: { param: string; message: string }) => [e.param, e.message]));
    expect(byParam).toEqual({
      colour: 'colour is not an accepted field',
      currency: 'currency must be at most 3 characters',
      customer_reference: 'customer_reference must not be empty',
      ttl_seconds: 'ttl_seconds must be at least 60',
      require_otp: 'require_otp must be true or false',
      capture_mode: 'capture_mode must be one of "HOSTED_SESSION", "DIRECT_CAPTURE"',
    });
    expect(res.text).not.toMatch(/must NOT|must match|must be equal|must be boolean/);
  });

  it('a single-field business error carries param and a one-entry errors list', async () => {
    const res = await mint(sessionBody({ amount: '1.234' }));
    expect(res.body.error).toMatchObject({
      error_code: '1010',
      param: 'amount',
      message: 'amount: has more decimals than the currency allows',
      errors: [{ param: 'amount', code: 'invalid', message: 'amount: has more decimals than the currency allows' }],
    });
  });

  it('the Node SDK surfaces param and errors on its typed error', async () => {
    const pd = new Pdirect({ secret, baseUrl: gw.url });
    const empty = await pd.sessions.create({} as SessionCreateParams).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(PdirectError);
    expect(empty).toMatchObject({ status: 400, code: '1010', param: undefined });
    expect((empty as PdirectError).errors?.map((e) => e.param)).toEqual(REQUIRED);
    const one = await pd.sessions.create(sessionBody({ amount: '0' }) as unknown as SessionCreateParams).catch((e: unknown) => e);
    expect(one).toMatchObject({ code: '1010', param: 'amount', errors: [{ param: 'amount', code: 'invalid', message: 'amount: must be greater than zero' }] });
  });

  it('1201 names the URL field', async () => {
    const res = await mint(sessionBody({ success_redirect_url: 'https://evil.example/thanks' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ error_code: '1201', param: 'success_redirect_url' });
    expect(res.body.error.errors).toBeUndefined();
  });
});
