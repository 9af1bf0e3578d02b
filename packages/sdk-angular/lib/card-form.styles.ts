/**
 * The styles of <pdirect-card-form>, unencapsulated (the card network's
 * iframes are styled too) and all under .pdirect-card-form, so a page can
 * override any of them.
 */
export const CARD_FORM_STYLES = `
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
  `;
