/**
 * The markup of <pdirect-card-form> (PdirectCardFormComponent): the summary,
 * the alert and status line, the card form whose readonly inputs the card
 * network's hosted fields replace, the 3-D Secure challenge, the one-time
 * code and the final screen.
 */
export const CARD_FORM_TEMPLATE = `
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
  `;
