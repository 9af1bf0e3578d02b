import { describe, expect, it } from 'vitest';
import { Secret } from '../../../crypto/secret.js';
import { otpMessageText, type OtpDelivery } from './sender.js';

const delivery = (merchantName: string): OtpDelivery => ({ channel: 'sms', sessionId: 'cs_x', merchantId: 'mch_x', merchantName, expiresAt: 0, ttlMinutes: 5 });

describe('the OTP message', () => {
  it('leads with the code, names the merchant and the lifetime', () => {
    expect(otpMessageText(new Secret('042917'), delivery('Café Ünïcode'))).toBe(
      '042917 is your verification code for Café Ünïcode.\nIt expires in 5 minutes. Never share it.',
    );
  });

  it('drops control characters and cuts long names (whole characters)', () => {
    const text = otpMessageText(new Secret('000001'), delivery(`Evil\r\nBcc: x\u0000${'🙂'.repeat(50)}`));
    expect(text.split('\n')[0]).toBe(`000001 is your verification code for EvilBcc: x${'🙂'.repeat(30)}.`);
    expect(otpMessageText(new Secret('000002'), delivery('\u0007'))).toContain('for your payment.');
  });
});
