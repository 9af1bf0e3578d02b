import { describe, expect, it } from 'vitest';
import { checkAllowedUrl } from './redirect-url.js';

const allow = ['shop.example', 'localhost', 'xn--bcher-kva.example'];
const check = (url: string, sandbox = false) => checkAllowedUrl(url, allow, { sandbox });

describe('checkAllowedUrl', () => {
  it.each([
    'https://shop.example/thanks',
    'https://shop.example:8443/thanks?order=1#top',
    'https://SHOP.Example/thanks',
    'https://shop.example./thanks',
    'https://bücher.example/ok',
  ])('allows %s', (url) => expect(check(url).ok).toBe(true));

  it('allows http only for localhost, and only in sandbox', () => {
    expect(check('http://localhost:3000/done', true).ok).toBe(true);
    expect(check('http://localhost:3000/done', false).ok).toBe(false);
    expect(check('http://shop.example/done', true).ok).toBe(false);
  });

  it.each([
    ['https://shop.example@evil.test/', 'user info'],
    ['https://shop.example:pw@evil.test/', 'user info'],
    ['https://shop.example.evil.test/', 'allow-list'],
    ['https://evil.test/?shop.example', 'allow-list'],
    ['https://evil.test/#shop.example', 'allow-list'],
    ['https://evil.test\\@shop.example/', 'backslash'],
    ['https://shop.example\\.evil.test/', 'backslash'],
    ['https:\\\\evil.test', 'backslash'],
    ['https://evilshop.example/', 'allow-list'],
    ['https://shöp.example/', 'allow-list'], // IDN look-alike → xn--shp-sna.example
    ['https://xn--shp-sna.example/', 'allow-list'],
    ['javascript:alert(1)//shop.example', 'https'],
    ['data:text/html,<script>alert(1)</script>', 'https'],
    ['//shop.example/x', 'absolute'],
    ['/relative', 'absolute'],
    [' https://shop.example/', 'whitespace'],
    ['https://shop.example/\n', 'whitespace'],
    ['https://shop.example/\t', 'whitespace'],
    ['https://shop.exam\u0000ple/', 'control'],
    ['ftp://shop.example/', 'https'],
    ['http://shop.example/', 'https'],
    ['https://[::1]/', 'allow-list'],
    ['https://0x7f.0.0.1/', 'allow-list'],
  ])('refuses %j (%s)', (url, why) => {
    const verdict = check(url);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toContain(why);
  });

  it('fails closed when the allow-list is empty', () => {
    const verdict = checkAllowedUrl('https://shop.example/', [], { sandbox: true });
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining('empty') });
  });
});
