import { describe, expect, it } from 'vitest';
import { fieldErrors } from './field-errors.js';

describe('fieldErrors', () => {
  it('names every missing field, in order, in plain words', () => {
    const errors = fieldErrors([
      { keyword: 'required', instancePath: '', params: { missingProperty: 'amount' } },
      { keyword: 'required', instancePath: '', params: { missingProperty: 'currency' } },
    ]);
    expect(errors).toEqual([
      { param: 'amount', code: 'required', message: 'amount is required' },
      { param: 'currency', code: 'required', message: 'currency is required' },
    ]);
  });

  it('never passes the validator wording on', () => {
    const errors = fieldErrors([
      { keyword: 'maxLength', instancePath: '/currency', params: { limit: 3 }, message: 'must NOT have more than 3 characters' },
      { keyword: 'pattern', instancePath: '/customer/phone', params: { pattern: '^\\+' }, message: 'must match pattern "^\\+"' },
      { keyword: 'type', instancePath: '/ttl_seconds', params: { type: 'integer' }, message: 'must be integer' },
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      'currency must be at most 3 characters',
      'customer.phone is not in the accepted format',
      'ttl_seconds must be a whole number',
    ]);
    expect(errors.map((e) => e.param)).toEqual(['currency', 'customer.phone', 'ttl_seconds']);
  });

  it('reports a union of literals once, listing the accepted values', () => {
    const errors = fieldErrors([
      { keyword: 'const', instancePath: '/capture_mode', params: { allowedValue: 'HOSTED_SESSION' } },
      { keyword: 'const', instancePath: '/capture_mode', params: { allowedValue: 'DIRECT_CAPTURE' } },
      { keyword: 'anyOf', instancePath: '/capture_mode', params: {} },
    ]);
    expect(errors).toEqual([{ param: 'capture_mode', code: 'invalid_value', message: 'capture_mode must be one of "HOSTED_SESSION", "DIRECT_CAPTURE"' }]);
  });

  it('keeps one entry per field and names the body when the problem is the body itself', () => {
    const errors = fieldErrors([
      { keyword: 'type', instancePath: '', params: { type: 'object' } },
      { keyword: 'minLength', instancePath: '/order_id', params: { limit: 1 } },
      { keyword: 'pattern', instancePath: '/order_id', params: {} },
    ]);
    expect(errors).toEqual([
      { param: 'body', code: 'invalid_type', message: 'body must be an object' },
      { param: 'order_id', code: 'required', message: 'order_id must not be empty' },
    ]);
  });
});
