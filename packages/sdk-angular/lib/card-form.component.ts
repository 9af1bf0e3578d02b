import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  ViewEncapsulation,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { PdirectError, type Checkout, type Payment } from '@pdirect/browser';
import { PdirectCheckoutService, type PaymentSessionApi } from './checkout.service';

/** What `(failed)` emits: the checkout cannot go on in this form (expired, paid, other device, unreachable...). */
export interface PdirectCardFormError {
  /** The gateway's error_code ("1004", "1006", ...), "connection_error", "invalid_response" or "card_form". */
  code: string;
  /** A sentence for the customer. */
  message: string;
  /** X-Request-Id of the failed request, for support. */
  requestId: string | null;
}

type Phase = 'loading' | 'otp' | 'card' | 'challenge' | 'paid' | 'pending' | 'closed';
type FieldKey = 'number' | 'expiryMonth' | 'expiryYear' | 'securityCode' | 'nameOnCard';

interface FormSessionUpdate {
  status: string;
  errors?: Record<string, string> & { message?: string };
}

/** session.js error keys → our field, and the words for "missing" and "invalid". */
const FIELD_ERRORS: Record<string, [FieldKey, string, string]> = {
  cardNumber: ['number', 'Enter your card number', 'Check your card number'],
  expiryMonth: ['expiryMonth', 'Enter the expiry month', 'Enter the expiry month as MM'],
  expiryYear: ['expiryYear', 'Enter the expiry year', 'Check the expiry year'],
  securityCode: ['securityCode', 'Enter the security code', 'Enter the 3 or 4 digit security code'],
  nameOnCard: ['nameOnCard', 'Enter the name on the card', 'Check the name on the card'],
};

let instances = 0;

/**
 * <pdirect-card-form [sessionToken]="token" (paid)="..." (failed)="...">
 *
 * The card form of one checkout session: the amount and merchant, the card
 * network's hosted fields (the card is typed into the network's iframes and
 * never exists in your page), Pay, 3-D Secure and declines. Every request it
 * makes goes through PdirectCheckoutService, so it carries the session token
 * and X-Device-Fingerprint. One card form per page (the network's
 * session.js is page-global).
 */
@Component({
  selector: 'pdirect-card-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  host: { class: 'pdirect-card-form', '[attr.aria-busy]': 'busy()', '[attr.data-phase]': 'phase()' },
  template: `
    @if (checkout(); as c) {
      <header class="pdirect-summary">
        <p class="pdirect-merchant">{{ c.merchant_name }}</p>
        <p class="pdirect-amount"><span class="pdirect-visually-hidden">Amount to pay: </span>{{ amount() }}</p>
        <p class="pdirect-order">Order {{ c.order_id }}</p>
      </header>
    }
    <div class="pdirect-alert" role="alert" tabindex="-1" #alertBox [hidden]="!alert()">{{ alert() }}</div>
    <p class="pdirect-status" role="status" aria-live="polite">{{ status() }}</p>

    <form class="pdirect-form" novalidate [hidden]="phase() !== 'card' && phase() !== 'loading'" (submit)="pay($event)">
      <div class="pdirect-field" [class.pdirect-invalid]="errors()['number']">
        <label [for]="ids.number">Card number</label>
        <input [id]="ids.number" class="pdirect-hosted" readonly tabindex="-1" />
        <p class="pdirect-field-error" [id]="ids.number + '-error'" [hidden]="!errors()['number']">{{ errors()['number'] }}</p>
      </div>
      <div class="pdirect-row">
        <div class="pdirect-field" [class.pdirect-invalid]="errors()['expiryMonth']">
          <label [for]="ids.expiryMonth">Expiry month</label>
          <input [id]="ids.expiryMonth" class="pdirect-hosted" readonly tabindex="-1" />
          <p class="pdirect-field-error" [hidden]="!errors()['expiryMonth']">{{ errors()['expiryMonth'] }}</p>
        </div>
        <div class="pdirect-field" [class.pdirect-invalid]="errors()['expiryYear']">
          <label [for]="ids.expiryYear">Expiry year</label>
          <input [id]="ids.expiryYear" class="pdirect-hosted" readonly tabindex="-1" />
          <p class="pdirect-field-error" [hidden]="!errors()['expiryYear']">{{ errors()['expiryYear'] }}</p>
        </div>
        <div class="pdirect-field" [class.pdirect-invalid]="errors()['securityCode']">
          <label [for]="ids.securityCode">Security code</label>
          <input [id]="ids.securityCode" class="pdirect-hosted" readonly tabindex="-1" />
          <p class="pdirect-field-error" [hidden]="!errors()['securityCode']">{{ errors()['securityCode'] }}</p>
        </div>
      </div>
      <div class="pdirect-field" [class.pdirect-invalid]="errors()['nameOnCard']">
        <label [for]="ids.nameOnCard">Name on card</label>
        <input [id]="ids.nameOnCard" class="pdirect-hosted" readonly tabindex="-1" />
        <p class="pdirect-field-error" [hidden]="!errors()['nameOnCard']">{{ errors()['nameOnCard'] }}</p>
      </div>
      <button type="submit" class="pdirect-pay" [disabled]="busy() || !fieldsReady()">Pay {{ amount() }}</button>
      <p class="pdirect-note">Card details are typed into the card network’s secure fields and never reach this site.</p>
    </form>

    <section class="pdirect-challenge" [hidden]="phase() !== 'challenge'" aria-label="Confirm with your bank">
      <p>Your bank wants to check it’s really you. Follow the steps below.</p>
      <div class="pdirect-challenge-frame" #challengeBox></div>
      <button type="button" class="pdirect-secondary" (click)="useAnotherCard()">Use a different card</button>
    </section>

    @if (phase() === 'otp') {
      <section class="pdirect-otp" [attr.aria-labelledby]="ids.otp + '-title'">
        <h2 class="pdirect-final-title" [id]="ids.otp + '-title'" tabindex="-1">Confirm it’s you</h2>
        <p>To protect this payment, we’ll send a 6-digit code to the phone number or e-mail address you gave the merchant.</p>
        @if (!otpSentTo()) {
          <button type="button" class="pdirect-pay" [disabled]="busy()" (click)="sendOtp(false)">Send code</button>
        } @else {
          <form novalidate (submit)="verifyOtp($event, otpInput.value)">
            <div class="pdirect-field" [class.pdirect-invalid]="otpError()">
              <label [for]="ids.otp">6-digit code</label>
              <input
                #otpInput
                [id]="ids.otp"
                class="pdirect-code"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                maxlength="6"
                [attr.aria-invalid]="otpError() ? 'true' : null"
                [attr.aria-describedby]="ids.otp + '-error'"
              />
              <p class="pdirect-field-error" [id]="ids.otp + '-error'" [hidden]="!otpError()">{{ otpError() }}</p>
            </div>
            <button type="submit" class="pdirect-pay" [disabled]="busy() || otpLocked()">Verify code</button>
            <button type="button" class="pdirect-secondary" [disabled]="busy() || otpLocked()" (click)="sendOtp(true)">Send a new code</button>
          </form>
        }
      </section>
    }

    @if (phase() === 'paid' || phase() === 'pending' || phase() === 'closed') {
      <section class="pdirect-final" [attr.data-outcome]="phase()">
        <h2 class="pdirect-final-title" tabindex="-1">{{ finalTitle() }}</h2>
        <p>{{ finalText() }}</p>
      </section>
    }
  `,
  styles: `
    .pdirect-card-form {
      display: block;
      font: inherit;
      color: inherit;
      max-width: 30rem;
    }
    .pdirect-card-form .pdirect-summary {
      margin-block-end: 1rem;
    }
    .pdirect-card-form .pdirect-merchant,
    .pdirect-card-form .pdirect-order {
      margin: 0;
      color: #4b5563;
      font-size: 0.95rem;
    }
    .pdirect-card-form .pdirect-amount {
      margin: 0.25rem 0;
      font-size: 2rem;
      font-weight: 700;
    }
    .pdirect-card-form .pdirect-row {
      display: grid;
      grid-template-columns: repeat(3, minmax(0, 1fr));
      gap: 0.75rem;
    }
    .pdirect-card-form .pdirect-field {
      margin-block-end: 0.9rem;
    }
    .pdirect-card-form label {
      display: block;
      font-weight: 600;
      font-size: 0.9rem;
      margin-block-end: 0.3rem;
    }
    .pdirect-card-form .pdirect-hosted,
    .pdirect-card-form .pdirect-field iframe {
      display: block;
      box-sizing: border-box;
      inline-size: 100%;
      block-size: 44px;
      border: 1px solid #9ca3af;
      border-radius: 8px;
      background: #fff;
    }
    .pdirect-card-form .pdirect-invalid iframe,
    .pdirect-card-form .pdirect-invalid .pdirect-code {
      border-color: #b91c1c;
    }
    .pdirect-card-form .pdirect-code {
      display: block;
      box-sizing: border-box;
      inline-size: 12rem;
      max-inline-size: 100%;
      block-size: 44px;
      padding-inline: 0.75rem;
      border: 1px solid #6b7280;
      border-radius: 8px;
      font: inherit;
      font-size: 1.2rem;
      letter-spacing: 0.3em;
    }
    .pdirect-card-form .pdirect-code:focus-visible {
      outline: 3px solid #f59e0b;
      outline-offset: 2px;
    }
    .pdirect-card-form .pdirect-field-error {
      color: #b91c1c;
      font-size: 0.85rem;
      margin: 0.3rem 0 0;
    }
    .pdirect-card-form .pdirect-pay {
      inline-size: 100%;
      min-block-size: 48px;
      border: 0;
      border-radius: 8px;
      background: #1d4ed8;
      color: #fff;
      font: inherit;
      font-weight: 600;
      cursor: pointer;
    }
    .pdirect-card-form .pdirect-pay:disabled {
      background: #93a3c9;
      cursor: progress;
    }
    .pdirect-card-form .pdirect-pay:focus-visible,
    .pdirect-card-form .pdirect-secondary:focus-visible {
      outline: 3px solid #f59e0b;
      outline-offset: 2px;
    }
    .pdirect-card-form .pdirect-secondary {
      margin-block-start: 0.75rem;
      background: none;
      border: 1px solid #1d4ed8;
      color: #1d4ed8;
      border-radius: 8px;
      min-block-size: 44px;
      padding-inline: 1rem;
      font: inherit;
      cursor: pointer;
    }
    .pdirect-card-form .pdirect-alert {
      border: 1px solid #b91c1c;
      background: #fef2f2;
      color: #7f1d1d;
      border-radius: 8px;
      padding: 0.75rem 1rem;
      margin-block-end: 1rem;
    }
    .pdirect-card-form .pdirect-status {
      margin: 0 0 0.75rem;
      color: #374151;
      font-size: 0.95rem;
    }
    .pdirect-card-form .pdirect-status:empty {
      margin: 0;
    }
    .pdirect-card-form .pdirect-note {
      font-size: 0.85rem;
      color: #4b5563;
    }
    .pdirect-card-form .pdirect-challenge-frame iframe {
      display: block;
      inline-size: 100%;
      block-size: 600px;
      max-block-size: 75vh;
      border: 1px solid #d1d5db;
      border-radius: 8px;
    }
    .pdirect-card-form .pdirect-challenge-frame iframe[name='methodFrame'] {
      display: none;
    }
    .pdirect-card-form .pdirect-final {
      padding: 0.25rem 0;
    }
    .pdirect-card-form .pdirect-final-title {
      margin: 0 0 0.5rem;
      font-size: 1.3rem;
    }
    .pdirect-card-form .pdirect-final p {
      margin: 0;
    }
    .pdirect-card-form [hidden] {
      display: none !important;
    }
    .pdirect-card-form .pdirect-visually-hidden {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
})
export class PdirectCardFormComponent {
  /** The checkout session's session_token ("pd_st_..."), from your backend. */
  readonly sessionToken = input.required<string>();
  /** BCP 47 locale for the amount; default: the browser's. */
  readonly locale = input<string | undefined>(undefined);

  /** The payment succeeded: `payment.redirect_url` is the merchant's success URL, if you want to go there. */
  readonly paid = output<Payment>();
  /** The checkout cannot go on here (expired, already paid, other device, gateway unreachable...). */
  readonly failed = output<PdirectCardFormError>();

  readonly #service = inject(PdirectCheckoutService);
  readonly #injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly alertBox = viewChild.required<ElementRef<HTMLElement>>('alertBox');
  private readonly challengeBox = viewChild.required<ElementRef<HTMLElement>>('challengeBox');
  #destroyed = false;
  #hostedSessionId: string | null = null;
  #paymentSession: PaymentSessionApi | null = null;
  #onUpdate: ((update: FormSessionUpdate) => void) | null = null;
  #otpTimer: ReturnType<typeof setTimeout> | undefined;

  protected readonly ids = (() => {
    const prefix = `pdirect-${++instances}`;
    return {
      number: `${prefix}-card-number`,
      expiryMonth: `${prefix}-expiry-month`,
      expiryYear: `${prefix}-expiry-year`,
      securityCode: `${prefix}-security-code`,
      nameOnCard: `${prefix}-name-on-card`,
      otp: `${prefix}-otp-code`,
    } satisfies Record<FieldKey | 'otp', string>;
  })();

  protected readonly phase = signal<Phase>('loading');
  protected readonly checkout = signal<Checkout | null>(null);
  protected readonly busy = signal(true);
  protected readonly fieldsReady = signal(false);
  protected readonly alert = signal('');
  protected readonly status = signal('Loading the secure card form…');
  protected readonly errors = signal<Partial<Record<FieldKey, string>>>({});
  protected readonly finalTitle = signal('');
  protected readonly finalText = signal('');
  /** Where the one-time code went (masked), once sent. */
  protected readonly otpSentTo = signal<string | null>(null);
  protected readonly otpError = signal('');
  /** Rate limited (1402): the code buttons wait until then. */
  protected readonly otpLocked = signal(false);
  protected readonly amount = computed(() => {
    const c = this.checkout();
    if (!c) return '';
    try {
      return new Intl.NumberFormat(this.locale(), { style: 'currency', currency: c.currency.toUpperCase() }).format(Number(c.amount));
    } catch {
      return `${c.amount} ${c.currency.toUpperCase()}`;
    }
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.#destroyed = true;
      this.#onUpdate = null;
      clearTimeout(this.#otpTimer);
    });
    // The hosted fields replace elements of this template: start once it is in the DOM.
    afterNextRender(() => void this.#start());
  }

  async #start(): Promise<void> {
    try {
      this.#service.start(this.sessionToken());
      const checkout = await this.#service.getCheckout();
      if (this.#destroyed) return;
      this.checkout.set(checkout);
      if (checkout.status !== 'open') {
        this.#finish('closed', 'This checkout is closed', 'There is nothing to pay here. Go back to the merchant.');
        return;
      }
      if (checkout.require_otp && !checkout.otp_verified) {
        this.status.set('');
        this.phase.set('otp');
        this.#focusHeading();
        return;
      }
      this.phase.set('card');
      await this.#openCardForm();
      this.status.set('');
    } catch (error) {
      this.#fail(error);
    } finally {
      this.busy.set(false);
    }
  }

  async #openCardForm(): Promise<void> {
    this.fieldsReady.set(false);
    const card = await this.#service.openCardSession();
    const paymentSession = await this.#service.loadCardScript(card.session_js_url);
    if (this.#destroyed) return;
    this.#hostedSessionId = card.hosted_session_id;
    this.#paymentSession = paymentSession;
    await new Promise<void>((resolve, reject) => {
      paymentSession.configure({
        session: card.hosted_session_id,
        fields: {
          card: {
            number: `#${this.ids.number}`,
            securityCode: `#${this.ids.securityCode}`,
            expiryMonth: `#${this.ids.expiryMonth}`,
            expiryYear: `#${this.ids.expiryYear}`,
            nameOnCard: `#${this.ids.nameOnCard}`,
          },
        },
        frameEmbeddingMitigation: ['csp'],
        callbacks: {
          initialized: (result: { status?: string; message?: string } | undefined) =>
            result?.status === 'ok'
              ? resolve()
              : reject(new PdirectError({ status: 0, code: 'card_form', message: result?.message || 'The secure card form could not be loaded.' })),
          formSessionUpdate: (update: FormSessionUpdate) => {
            const waiting = this.#onUpdate;
            this.#onUpdate = null;
            waiting?.(update);
          },
        },
        interaction: { displayControl: { formatCard: 'EMBOSSED', invalidFieldCharacters: 'REJECT' } },
      });
    });
    this.fieldsReady.set(true);
  }

  /** Pay: the network checks the fields, then the gateway collects the payment. */
  protected async pay(event: Event): Promise<void> {
    event.preventDefault();
    const paymentSession = this.#paymentSession;
    if (this.busy() || !this.fieldsReady() || !paymentSession || !this.#hostedSessionId) return;
    this.busy.set(true);
    this.alert.set('');
    this.errors.set({});
    this.status.set('Checking your card details…');
    try {
      const update = await new Promise<FormSessionUpdate>((resolve) => {
        this.#onUpdate = resolve;
        paymentSession.updateSessionFromForm('card');
      });
      if (update.status === 'fields_in_error') return this.#showFieldErrors(update.errors ?? {});
      if (update.status === 'request_timeout') {
        this.#showAlert('The card form timed out. Please enter your card details again.');
        await this.#openCardForm();
        return;
      }
      if (update.status !== 'ok') return this.#showAlert(`${sentence(update.errors?.message || 'Your card details could not be checked')} Please try again.`);

      this.status.set('Processing your payment…');
      const payment = await this.#service.collect({ hostedSessionId: this.#hostedSessionId });
      // An authorization waiting for the merchant's capture (manual capture, review) is a completed checkout too.
      if (payment.status === 'succeeded' || payment.status === 'requires_capture') {
        this.#finish('paid', 'Payment successful', `${this.checkout()?.merchant_name ?? 'The merchant'} has your payment.`);
        this.paid.emit(payment);
      } else if (payment.status === 'requires_action' && payment.next_action) {
        this.status.set('');
        this.phase.set('challenge');
        this.#service.showChallenge(this.challengeBox().nativeElement, payment.next_action.html);
      } else if (payment.status === 'pending' || payment.status === 'processing' || payment.status === 'capturing') {
        this.#finish(
          'pending',
          'We are confirming your payment',
          'Your bank has not answered yet. Please do not pay again: the merchant will confirm your order.',
        );
      } else {
        this.#showAlert('Your payment did not go through and no money was taken. Please try another card.');
        await this.#openCardForm();
      }
    } catch (error) {
      await this.#paymentError(error);
    } finally {
      this.busy.set(false);
    }
  }

  /** Sends (or sends again) the one-time code the session requires before the card form. */
  protected async sendOtp(again: boolean): Promise<void> {
    if (this.busy() || this.otpLocked()) return;
    this.busy.set(true);
    this.alert.set('');
    this.otpError.set('');
    this.status.set('Sending the code…');
    try {
      const sent = again ? await this.#service.resendOtp() : await this.#service.sendOtp();
      this.otpSentTo.set(sent.sent_to);
      this.status.set(`We sent a code to ${sent.sent_to}.`);
      afterNextRender(() => this.host.nativeElement.querySelector<HTMLInputElement>('.pdirect-code')?.focus(), { injector: this.#injector });
    } catch (error) {
      this.#otpFailure(error);
    } finally {
      this.busy.set(false);
    }
  }

  /** Checks the code; when it is right, the card form opens. */
  protected async verifyOtp(event: Event, typed: string): Promise<void> {
    event.preventDefault();
    if (this.busy() || this.otpLocked()) return;
    const code = typed.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(code)) {
      this.otpError.set('Enter the 6-digit code we sent you.');
      return;
    }
    this.busy.set(true);
    this.alert.set('');
    this.otpError.set('');
    this.status.set('Checking the code…');
    try {
      await this.#service.verifyOtp(code);
      this.phase.set('card');
      this.status.set('Loading the secure card form…');
      await this.#openCardForm();
      this.status.set('');
    } catch (error) {
      this.#otpFailure(error);
    } finally {
      this.busy.set(false);
    }
  }

  #otpFailure(error: unknown): void {
    if (error instanceof PdirectError && error.code === '1401') {
      this.status.set('');
      this.otpError.set('That code is wrong or has expired. Check it, or ask for a new code.');
      this.host.nativeElement.querySelector<HTMLInputElement>('.pdirect-code')?.focus();
      return;
    }
    if (error instanceof PdirectError && error.code === '1402') {
      const wait = error.retryAfter ?? 60;
      this.otpLocked.set(true);
      clearTimeout(this.#otpTimer);
      this.#otpTimer = setTimeout(() => this.otpLocked.set(false), wait * 1000);
      this.#showAlert(`Too many codes were asked for. Try again in ${wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.`);
      return;
    }
    this.#fail(error);
  }

  /** Leaves a 3-D Secure challenge for another card: the abandoned attempt fails at the gateway. */
  protected async useAnotherCard(): Promise<void> {
    if (this.busy()) return;
    this.challengeBox().nativeElement.textContent = '';
    this.phase.set('card');
    this.busy.set(true);
    this.status.set('Loading the secure card form…');
    try {
      await this.#openCardForm();
      this.status.set('');
    } catch (error) {
      this.#fail(error);
    } finally {
      this.busy.set(false);
    }
  }

  async #paymentError(error: unknown): Promise<void> {
    if (
      error instanceof PdirectError &&
      (error.code === '1601' || error.code === '1602' || (error.code === '1010' && /hosted_session_id/.test(error.message)))
    ) {
      if (error.code === '1601') this.#showAlert('Your bank declined the card. No money was taken. Try another card or contact your bank.');
      else if (error.code === '1602') this.#showAlert('This payment could not be accepted. Try another card, or contact the merchant.');
      else this.#showAlert('The card form expired. Please enter your card details again.');
      try {
        await this.#openCardForm();
      } catch (again) {
        this.#fail(again);
      }
      return;
    }
    this.#fail(error);
  }

  #showFieldErrors(errors: Record<string, string>): void {
    const shown: Partial<Record<FieldKey, string>> = {};
    const problems: string[] = [];
    for (const [key, value] of Object.entries(errors)) {
      const known = FIELD_ERRORS[key];
      if (!known) continue;
      const text = value === 'missing' ? known[1] : known[2];
      shown[known[0]] = `${text}.`;
      problems.push(text.charAt(0).toLowerCase() + text.slice(1));
    }
    this.errors.set(shown);
    this.#showAlert(problems.length ? `Please check your card details: ${problems.join('; ')}.` : 'Please check your card details.');
  }

  #showAlert(text: string): void {
    this.status.set('');
    this.alert.set(text);
    // Once the alert is rendered (unhidden), move focus to it so a screen reader reads it out.
    afterNextRender(() => this.alertBox().nativeElement.focus(), { injector: this.#injector });
  }

  #finish(phase: Phase, title: string, text: string): void {
    this.status.set('');
    this.fieldsReady.set(false);
    this.finalTitle.set(title);
    this.finalText.set(text);
    this.phase.set(phase);
    this.#focusHeading();
    if (phase === 'paid' || phase === 'pending' || phase === 'closed') this.#service.stop();
  }

  /** Moves focus to the heading of what is now shown, once it is rendered. */
  #focusHeading(): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('.pdirect-final-title')?.focus(), { injector: this.#injector });
  }

  /** A failure the form cannot recover from: say it in words, and tell the host. */
  #fail(error: unknown): void {
    const pd = error instanceof PdirectError ? error : null;
    const code = pd?.code ?? 'card_form';
    const requestId = pd?.requestId ?? null;
    let message: string;
    if (code === '1004') message = 'This checkout has expired. Nothing was charged. Go back to the merchant to start again.';
    else if (code === '1005') message = 'This checkout is already paid or cancelled. There is nothing more to pay.';
    else if (code === '1006') message = 'This checkout was opened on another device. Finish it there, or go back to the merchant to start again.';
    else if (code === 'connection_error') message = pd!.message;
    else
      message = `${sentence(error instanceof Error && error.message ? error.message : 'Something went wrong')}${requestId ? ` (reference ${requestId})` : ''}`;
    this.#finish('closed', 'The payment cannot go on', message);
    this.failed.emit({ code, message, requestId });
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
