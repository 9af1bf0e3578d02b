import { describe, expect, it } from 'vitest';
import { authHeaderOf, renderSmsBody } from './https-sms.js';

describe('SMS body template', () => {
  it('fills string values anywhere in the JSON, leaves keys and other values alone', () => {
    const body = renderSmsBody('{"a":[{"to":"tel:{{to}}","n":1,"ok":true}],"text":"{{message}} / {{message}}","{{to}}":null}', {
      to: '+447700900123',
      message: 'hi',
    });
    expect(JSON.parse(body)).toEqual({ a: [{ to: 'tel:+447700900123', n: 1, ok: true }], text: 'hi / hi', '{{to}}': null });
  });

  it('cannot be broken out of: values are JSON-escaped by re-serialisation', () => {
    const message = '123456 "},"to":"+1999","x":"\\\n';
    const body = renderSmsBody('{"to":"{{to}}","message":"{{message}}"}', { to: '+447700900123', message });
    expect(JSON.parse(body)).toEqual({ to: '+447700900123', message });
  });
});

describe('SMS auth header setting', () => {
  it.each([
    ['Bearer abc.def', ['authorization', 'Bearer abc.def']],
    ['Basic dXNlcjpwYXNz', ['authorization', 'Basic dXNlcjpwYXNz']],
    ['X-Api-Key: k-123', ['X-Api-Key', 'k-123']],
    ['Authorization: Token a:b', ['Authorization', 'Token a:b']],
  ])('%s', (setting, expected) => expect(authHeaderOf(setting)).toEqual(expected));
});
