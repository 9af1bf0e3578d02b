import { CSP_NONCE, DOCUMENT, Injectable, inject } from '@angular/core';
import {
  createPdirect,
  type CardSession,
  type Checkout,
  type CollectOptions,
  type OtpChallenge,
  type OtpSendOptions,
  type OtpVerification,
  type Payment,
  type Pdirect,
} from '@pdirect/browser';
import { PDIRECT_CONFIG } from './config';

/** The part of the card network's session.js (`window.PaymentSession`) the card form uses. */
export interface PaymentSessionApi {
  configure(config: Record<string, unknown>, scope?: string): void;
  updateSessionFromForm(paymentType: 'card', localCardType?: string, scope?: string): void;
}

/**
 * The checkout service: one checkout session at a time, through
 * @pdirect/browser. Every call goes to the gateway with
 * `Authorization: Bearer <session_token>` and `X-Device-Fingerprint` (the
 * browser SDK's deviceFingerprint(), computed once per session and locked by
 * the gateway on the first request), never with cookies or a Referer.
 */
@Injectable({ providedIn: 'root' })
export class PdirectCheckoutService {
  readonly #config = inject(PDIRECT_CONFIG, { optional: true });
  readonly #nonce = inject(CSP_NONCE, { optional: true });
  readonly #document = inject(DOCUMENT);
  #client: Pdirect | null = null;
  #token: string | null = null;
  readonly #scripts = new Map<string, Promise<PaymentSessionApi>>();

  /** Starts paying the checkout session of `sessionToken` (the session_token your backend got from POST /v1/sessions). */
  start(sessionToken: string): void {
    if (this.#client && this.#token === sessionToken) return;
    if (!this.#config) throw new Error('PdirectCheckoutService: add providePdirect({ baseUrl }) to your application providers');
    this.#client = createPdirect({ baseUrl: this.#config.baseUrl, sessionToken });
    this.#token = sessionToken;
  }

  /** Forgets the session (call it when the checkout is over); the next start() may take another token. */
  stop(): void {
    this.#client = null;
    this.#token = null;
  }

  /** Whether start() was called. */
  get started(): boolean {
    return this.#client !== null;
  }

  /** The X-Device-Fingerprint value this session sends (SHA-256 hex; see docs/device-fingerprint.md). */
  fingerprint(): Promise<string> {
    return this.#pdirect().fingerprint();
  }

  /** GET /v1/checkout: amount, currency, merchant name, order id, OTP and session state. */
  getCheckout(): Promise<Checkout> {
    return this.#pdirect().getCheckout();
  }

  /** POST /v1/card/sessions: a fresh hosted session for the card network's fields. */
  openCardSession(): Promise<CardSession> {
    return this.#pdirect().openCardSession();
  }

  /** POST /v1/payments/collect (repeats an unanswered attempt with the same Idempotency-Key). */
  collect(options: CollectOptions): Promise<Payment> {
    return this.#pdirect().collect(options);
  }

  sendOtp(options?: OtpSendOptions): Promise<OtpChallenge> {
    return this.#pdirect().sendOtp(options);
  }

  resendOtp(options?: OtpSendOptions): Promise<OtpChallenge> {
    return this.#pdirect().resendOtp(options);
  }

  verifyOtp(code: string): Promise<OtpVerification> {
    return this.#pdirect().verifyOtp(code);
  }

  /** Shows a 3-D Secure `next_action.html` in `container`; on a nonce-CSP page the app's CSP_NONCE is used. */
  showChallenge(container: Element, html: string): HTMLIFrameElement | null {
    return this.#pdirect().showChallenge(container, html, this.#nonce ? { nonce: this.#nonce } : {});
  }

  /**
   * Loads the card network's session.js (the `session_js_url` of a card
   * session) once, and answers its `PaymentSession`.
   */
  loadCardScript(url: string): Promise<PaymentSessionApi> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return Promise.reject(new Error('session_js_url must be an http(s) URL'));
    let loading = this.#scripts.get(parsed.href);
    if (!loading) {
      loading = new Promise<PaymentSessionApi>((resolve, reject) => {
        const view = this.#document.defaultView as (Window & { PaymentSession?: PaymentSessionApi }) | null;
        const script = this.#document.createElement('script');
        script.src = parsed.href;
        if (this.#nonce) script.nonce = this.#nonce;
        script.onload = () => (view?.PaymentSession ? resolve(view.PaymentSession) : reject(new Error('The secure card form could not be loaded')));
        script.onerror = () => reject(new Error('The secure card form could not be loaded'));
        this.#document.head.append(script);
      });
      loading.catch(() => this.#scripts.delete(parsed.href));
      this.#scripts.set(parsed.href, loading);
    }
    return loading;
  }

  #pdirect(): Pdirect {
    if (!this.#client) throw new Error('PdirectCheckoutService: call start(sessionToken) first');
    return this.#client;
  }
}
