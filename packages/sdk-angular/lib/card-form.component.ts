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
import { anotherCardAlert, describeFailure, fieldErrorMessages, formatAmount, sentence, type PdirectCardFormError } from './card-form.messages';
import { CARD_FORM_STYLES } from './card-form.styles';
import { CARD_FORM_TEMPLATE } from './card-form.template';
import { PdirectCheckoutService, type PaymentSessionApi } from './checkout.service';
import { configureHostedFields, elementIds, type FieldKey, type FormSessionUpdate } from './hosted-fields';

type Phase = 'loading' | 'otp' | 'card' | 'challenge' | 'paid' | 'pending' | 'closed';

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
  template: CARD_FORM_TEMPLATE,
  styles: CARD_FORM_STYLES,
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

  protected readonly ids = elementIds();

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
    return c ? formatAmount(c, this.locale()) : '';
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
    // Busy from the start (the signal's first value) until this settles.
    await this.#whileBusy(async () => {
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
      await this.#showCardForm();
    });
  }

  /** Runs `work` with the form busy (its buttons disabled); a failure goes to `failure` (by default, the form cannot go on). */
  async #whileBusy(work: () => Promise<void>, failure: (error: unknown) => void | Promise<void> = (error) => this.#fail(error)): Promise<void> {
    this.busy.set(true);
    try {
      await work();
    } catch (error) {
      await failure(error);
    } finally {
      this.busy.set(false);
    }
  }

  /** The card step: a fresh card form, loading until its fields are ready. */
  async #showCardForm(): Promise<void> {
    this.phase.set('card');
    this.status.set('Loading the secure card form…');
    await this.#openCardForm();
    this.status.set('');
  }

  async #openCardForm(): Promise<void> {
    this.fieldsReady.set(false);
    const card = await this.#service.openCardSession();
    const paymentSession = await this.#service.loadCardScript(card.session_js_url);
    if (this.#destroyed) return;
    this.#hostedSessionId = card.hosted_session_id;
    this.#paymentSession = paymentSession;
    await configureHostedFields(paymentSession, card.hosted_session_id, this.ids, (update) => {
      const waiting = this.#onUpdate;
      this.#onUpdate = null;
      waiting?.(update);
    });
    this.fieldsReady.set(true);
  }

  /** Pay: the network checks the fields, then the gateway collects the payment. */
  protected async pay(event: Event): Promise<void> {
    event.preventDefault();
    const paymentSession = this.#paymentSession;
    const hostedSessionId = this.#hostedSessionId;
    if (this.busy() || !this.fieldsReady() || !paymentSession || !hostedSessionId) return;
    await this.#whileBusy(
      async () => {
        this.alert.set('');
        this.errors.set({});
        this.status.set('Checking your card details…');
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
        const payment = await this.#service.collect({ hostedSessionId });
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
      },
      (error) => this.#paymentError(error),
    );
  }

  /** Sends (or sends again) the one-time code the session requires before the card form. */
  protected async sendOtp(again: boolean): Promise<void> {
    if (this.busy() || this.otpLocked()) return;
    await this.#whileBusy(
      async () => {
        this.alert.set('');
        this.otpError.set('');
        this.status.set('Sending the code…');
        const sent = again ? await this.#service.resendOtp() : await this.#service.sendOtp();
        this.otpSentTo.set(sent.sent_to);
        this.status.set(`We sent a code to ${sent.sent_to}.`);
        afterNextRender(() => this.host.nativeElement.querySelector<HTMLInputElement>('.pdirect-code')?.focus(), { injector: this.#injector });
      },
      (error) => this.#otpFailure(error),
    );
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
    await this.#whileBusy(
      async () => {
        this.alert.set('');
        this.otpError.set('');
        this.status.set('Checking the code…');
        await this.#service.verifyOtp(code);
        await this.#showCardForm();
      },
      (error) => this.#otpFailure(error),
    );
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
    await this.#whileBusy(() => this.#showCardForm());
  }

  /** A declined card (or an expired card form) gets a fresh form for another card; anything else ends the form. */
  async #paymentError(error: unknown): Promise<void> {
    const anotherCard = anotherCardAlert(error);
    if (!anotherCard) return this.#fail(error);
    this.#showAlert(anotherCard);
    await this.#openCardForm().catch((again: unknown) => this.#fail(again));
  }

  #showFieldErrors(errors: Record<string, string>): void {
    const { shown, alert } = fieldErrorMessages(errors);
    this.errors.set(shown);
    this.#showAlert(alert);
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
    const failure = describeFailure(error);
    this.#finish('closed', 'The payment cannot go on', failure.message);
    this.failed.emit(failure);
  }
}
