import { PdirectError } from '@pdirect/browser';
import type { PaymentSessionApi } from './checkout.service';

/** The card form's hosted fields, by their neutral names. */
export type FieldKey = 'number' | 'expiryMonth' | 'expiryYear' | 'securityCode' | 'nameOnCard';

let instances = 0;

/** The ids of a new card form's elements (the hosted fields' placeholders and the code input), unique in the page. */
export function elementIds(): Record<FieldKey | 'otp', string> {
  const prefix = `pdirect-${++instances}`;
  return {
    number: `${prefix}-card-number`,
    expiryMonth: `${prefix}-expiry-month`,
    expiryYear: `${prefix}-expiry-year`,
    securityCode: `${prefix}-security-code`,
    nameOnCard: `${prefix}-name-on-card`,
    otp: `${prefix}-otp-code`,
  };
}

/** session.js's answer to updateSessionFromForm(). */
export interface FormSessionUpdate {
  status: string;
  errors?: Record<string, string> & { message?: string };
}

/**
 * Configures the card network's session.js for one hosted session: its
 * iframes replace the elements with the ids in `ids`. Settles once they are
 * ready (or could not be loaded); every later update answer goes to
 * `onUpdate`.
 */
export function configureHostedFields(
  paymentSession: PaymentSessionApi,
  hostedSessionId: string,
  ids: Record<FieldKey, string>,
  onUpdate: (update: FormSessionUpdate) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    paymentSession.configure({
      session: hostedSessionId,
      fields: {
        card: {
          number: `#${ids.number}`,
          securityCode: `#${ids.securityCode}`,
          expiryMonth: `#${ids.expiryMonth}`,
          expiryYear: `#${ids.expiryYear}`,
          nameOnCard: `#${ids.nameOnCard}`,
        },
      },
      frameEmbeddingMitigation: ['csp'],
      callbacks: {
        initialized: (result: { status?: string; message?: string } | undefined) =>
          result?.status === 'ok'
            ? resolve()
            : reject(new PdirectError({ status: 0, code: 'card_form', message: result?.message || 'The secure card form could not be loaded.' })),
        formSessionUpdate: onUpdate,
      },
      interaction: { displayControl: { formatCard: 'EMBOSSED', invalidFieldCharacters: 'REJECT' } },
    });
  });
}
