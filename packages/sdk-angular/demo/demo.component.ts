import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { PdirectCardFormComponent, type Payment, type PdirectCardFormError } from '@pdirect/angular';

/**
 * A merchant's checkout page built with @pdirect/angular. The shop's backend
 * minted a checkout session (POST /v1/sessions) and sent the customer here
 * with its session_token in the URL fragment (never sent to any server);
 * the page reads it once and drops it from the address bar and history.
 */
@Component({
  selector: 'pdirect-demo',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [PdirectCardFormComponent],
  template: `
    <header class="shop-bar"><span class="shop-logo" aria-hidden="true">◆</span> Demo Shop <span class="shop-badge">Test mode</span></header>
    <main class="shop-main">
      <h1>Checkout</h1>
      @if (returned) {
        <p id="returned" class="shop-outcome">
          Back from your bank. Payment <code>{{ returned }}</code> is being confirmed by the shop.
        </p>
      } @else if (token) {
        <pdirect-card-form [sessionToken]="token" (paid)="onPaid($event)" (failed)="onFailed($event)" />
      } @else {
        <p id="no-token">This page needs a checkout session: open it as <code>/#pd_st_…</code> with the session_token your backend minted.</p>
      }
      @if (payment(); as p) {
        <p id="outcome" class="shop-outcome">
          Thank you! Payment <code id="payment-id">{{ p.id }}</code> {{ p.status }}.
        </p>
      }
      @if (failure(); as f) {
        <p id="failure" class="shop-failure">Checkout stopped ({{ f.code }}).</p>
      }
    </main>
    <footer class="shop-footer">Payments by Pdirect · Angular SDK demo</footer>
  `,
  styles: `
    :host {
      display: block;
      min-height: 100vh;
    }
    .shop-bar {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.9rem 1.25rem;
      background: #111827;
      color: #fff;
      font-weight: 700;
    }
    .shop-logo {
      color: #60a5fa;
    }
    .shop-badge {
      margin-inline-start: auto;
      font-size: 0.75rem;
      font-weight: 600;
      background: #fbbf24;
      color: #111827;
      border-radius: 999px;
      padding: 0.15rem 0.6rem;
    }
    .shop-main {
      max-width: 34rem;
      margin: 1.5rem auto;
      padding: 1.25rem 1.5rem;
      background: #fff;
      border-radius: 12px;
      box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12);
    }
    h1 {
      margin: 0 0 1rem;
      font-size: 1.35rem;
    }
    .shop-outcome {
      border: 1px solid #15803d;
      background: #f0fdf4;
      color: #14532d;
      border-radius: 8px;
      padding: 0.75rem 1rem;
    }
    .shop-failure {
      color: #7f1d1d;
    }
    .shop-footer {
      text-align: center;
      color: #6b7280;
      font-size: 0.85rem;
      padding: 1rem;
    }
    @media (max-width: 480px) {
      .shop-main {
        margin: 0;
        border-radius: 0;
        box-shadow: none;
        padding: 1rem;
      }
    }
  `,
})
export class DemoComponent {
  protected readonly token = takeTokenFromUrl();
  /** After 3-D Secure the gateway sends the customer to the shop's success URL (here: this page) with the payment id. */
  protected readonly returned = /^pay_[a-z2-7]{20}$/.exec(new URLSearchParams(location.search).get('payment_id') ?? '')?.[0] ?? null;
  protected readonly payment = signal<Payment | null>(null);
  protected readonly failure = signal<PdirectCardFormError | null>(null);

  protected onPaid(payment: Payment): void {
    this.payment.set(payment);
  }

  protected onFailed(error: PdirectCardFormError): void {
    this.failure.set(error);
  }
}

function takeTokenFromUrl(): string | null {
  const token = location.hash.slice(1);
  if (!/^pd_st_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return token;
}
