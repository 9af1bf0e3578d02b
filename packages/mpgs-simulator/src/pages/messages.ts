/**
 * Every string of the simulator's browser pages (hosted card fields, the
 * simulated ACS), per locale: one typed catalogue. `en` defines the keys;
 * every other locale must give them all (checked by the compiler).
 *
 * The hosted fields take the locale from session.js's
 * `configure({ interaction: { locale } })`; the ACS from the browser
 * language of AUTHENTICATE_PAYER (`device.browserDetails.language`), as a
 * real issuer's ACS does.
 */

export const SIM_LOCALES = ['en', 'id'] as const;
export type SimLocale = (typeof SIM_LOCALES)[number];

const en = {
  'field.number': 'Card number',
  'field.securityCode': 'Security code',
  'field.expiryMonth': 'Expiry month',
  'field.expiryYear': 'Expiry year',
  'field.nameOnCard': 'Name on card',
  'placeholder.number': '1234 5678 9012 3456',
  'placeholder.securityCode': 'CVC',
  'placeholder.expiryMonth': 'MM',
  'placeholder.expiryYear': 'YY',
  'placeholder.nameOnCard': 'Name on card',
  'error.number.missing': 'Enter your card number.',
  'error.number.invalid': 'Check your card number.',
  'error.securityCode.missing': 'Enter the security code.',
  'error.securityCode.invalid': 'Enter the 3 or 4 digit security code.',
  'error.expiryMonth.missing': 'Enter the expiry month.',
  'error.expiryMonth.invalid': 'Enter a month from 01 to 12.',
  'error.expiryYear.missing': 'Enter the expiry year.',
  'error.expiryYear.invalid': 'Enter the year as 2 digits (YY), not in the past.',
  'error.nameOnCard.missing': 'Enter the name on the card.',
  'error.nameOnCard.invalid': 'Check the name on the card.',
  'brand.VISA': 'Visa',
  'brand.MASTERCARD': 'Mastercard',
  'brand.AMEX': 'American Express',
  'brand.detected': 'Card type: {brand}',
  'acs.title': '3-D Secure challenge (simulator)',
  'acs.heading': 'Confirm this payment',
  'acs.note': 'Simulated issuer page of the Pdirect MPGS simulator. No bank is contacted.',
  'acs.merchant': 'Merchant',
  'acs.amount': 'Amount',
  'acs.card': 'Card',
  'acs.choose': 'Choose the authentication result',
  'acs.choice.Y': 'Successful (Y)',
  'acs.choice.N': 'Failed (N)',
  'acs.choice.CANCELLED': 'Cancelled',
  'acs.choice.U': 'Unable (U)',
  'acs.choice.R': 'Rejected (R)',
  'acs.returningTitle': 'Returning to the merchant',
  'acs.finished': 'Authentication finished',
  'acs.result': 'Result: {result}. Returning to the merchant…',
  'acs.continue': 'Continue to the merchant',
  'acs.methodTitle': '3-D Secure method',
  'acs.methodDone': '3-D Secure method completed.',
};

export type SimMessageKey = keyof typeof en;

const id: Record<SimMessageKey, string> = {
  'field.number': 'Nomor kartu',
  'field.securityCode': 'Kode keamanan',
  'field.expiryMonth': 'Bulan kedaluwarsa',
  'field.expiryYear': 'Tahun kedaluwarsa',
  'field.nameOnCard': 'Nama pada kartu',
  'placeholder.number': '1234 5678 9012 3456',
  'placeholder.securityCode': 'CVC',
  'placeholder.expiryMonth': 'BB',
  'placeholder.expiryYear': 'TT',
  'placeholder.nameOnCard': 'Nama pada kartu',
  'error.number.missing': 'Masukkan nomor kartu Anda.',
  'error.number.invalid': 'Periksa nomor kartu Anda.',
  'error.securityCode.missing': 'Masukkan kode keamanan.',
  'error.securityCode.invalid': 'Masukkan kode keamanan 3 atau 4 digit.',
  'error.expiryMonth.missing': 'Masukkan bulan kedaluwarsa.',
  'error.expiryMonth.invalid': 'Masukkan bulan dari 01 sampai 12.',
  'error.expiryYear.missing': 'Masukkan tahun kedaluwarsa.',
  'error.expiryYear.invalid': 'Masukkan tahun sebagai 2 digit (TT), bukan tahun yang sudah lewat.',
  'error.nameOnCard.missing': 'Masukkan nama pada kartu.',
  'error.nameOnCard.invalid': 'Periksa nama pada kartu.',
  'brand.VISA': 'Visa',
  'brand.MASTERCARD': 'Mastercard',
  'brand.AMEX': 'American Express',
  'brand.detected': 'Jenis kartu: {brand}',
  'acs.title': 'Verifikasi 3-D Secure (simulator)',
  'acs.heading': 'Konfirmasi pembayaran ini',
  'acs.note': 'Halaman penerbit kartu simulasi dari simulator MPGS Pdirect. Tidak ada bank yang dihubungi.',
  'acs.merchant': 'Penjual',
  'acs.amount': 'Jumlah',
  'acs.card': 'Kartu',
  'acs.choose': 'Pilih hasil autentikasi',
  'acs.choice.Y': 'Berhasil (Y)',
  'acs.choice.N': 'Gagal (N)',
  'acs.choice.CANCELLED': 'Dibatalkan',
  'acs.choice.U': 'Tidak dapat (U)',
  'acs.choice.R': 'Ditolak (R)',
  'acs.returningTitle': 'Kembali ke penjual',
  'acs.finished': 'Autentikasi selesai',
  'acs.result': 'Hasil: {result}. Kembali ke penjual…',
  'acs.continue': 'Lanjutkan ke penjual',
  'acs.methodTitle': 'Metode 3-D Secure',
  'acs.methodDone': 'Metode 3-D Secure selesai.',
};

export const SIM_MESSAGES = { en, id } as const satisfies Record<SimLocale, Record<SimMessageKey, string>>;

/** `id-ID`, `id`, `in` → `id`; anything unknown → `en`. */
export function simLocale(value: unknown): SimLocale {
  const primary = typeof value === 'string' ? value.trim().toLowerCase().split(/[-_]/)[0] : '';
  if (primary === 'in') return 'id';
  return (SIM_LOCALES as readonly string[]).includes(primary ?? '') ? (primary as SimLocale) : 'en';
}

export function simMessage(locale: SimLocale, key: SimMessageKey, values: Record<string, string> = {}): string {
  return SIM_MESSAGES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}
