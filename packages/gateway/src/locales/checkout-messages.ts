/**
 * Every string the shopper reads on the hosted checkout, per locale: one
 * typed catalogue. `en` defines the keys; every other locale must give every
 * key (the compiler checks it: `satisfies Record<Locale, CheckoutMessages>`).
 *
 * `{name}` placeholders are filled by the page (merchant, amount, minutes …).
 * The page gets the catalogue as JSON (never as script), and the server uses
 * it for the pages it renders itself (final states, invalid link).
 *
 * Adding a locale: add its code to SUPPORTED_LOCALES, a block below, and the
 * card-network simulator's own catalogue (its src/pages/messages.ts); see
 * docs/checkout.md#adding-a-locale.
 */

export const SUPPORTED_LOCALES = ['en', 'id'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

const en = {
  'page.title': 'Secure checkout',
  'page.titleWithMerchant': 'Pay {merchant} · {amount}',
  'summary.pay': 'Pay ',
  'summary.amountToPay': 'Amount to pay: ',
  'summary.order': 'Order {order}',
  'summary.testMode': 'Test mode',
  'summary.testModeHint': 'Sandbox: no real money moves',
  'back.toMerchant': 'Back to {merchant}',
  'back.toMerchantGeneric': 'Back to the merchant',
  'back.cancelling': 'Cancelling…',
  'footer.securedBy': 'Secured by Pdirect',
  'status.loading': 'Loading your checkout…',
  'status.loadingCard': 'Loading the secure card form…',
  'status.checkingCard': 'Checking your card details…',
  'status.processing': 'Processing your payment…',
  'status.sendingCode': 'Sending a code…',
  'status.checkingCode': 'Checking the code…',
  'status.codeSentTo': 'We sent a code to {to}.',
  'status.codeSent': 'We sent you a code. It may take a minute to arrive.',
  'status.loadFailed': 'The checkout could not be loaded. Check your connection and reload the page.',
  'otp.title': 'Confirm it’s you',
  'otp.intro': 'To protect this payment, we’ll send a 6-digit code to the phone number or e-mail address you gave the merchant.',
  'otp.send': 'Send code',
  'otp.codeLabel': '6-digit code',
  'otp.verify': 'Verify code',
  'otp.resend': 'Send a new code',
  'otp.enterCode': 'Enter the 6-digit code we sent you.',
  'otp.wrongCode': 'That code is wrong or has expired. Check it, or ask for a new one.',
  'otp.tooMany': 'Too many tries. Try again in {wait}.',
  'time.minutes': '{n} minutes',
  'time.seconds': '{n} seconds',
  'card.title': 'Pay by card',
  'card.number': 'Card number',
  'card.expiryMonth': 'Expiry month',
  'card.expiryYear': 'Expiry year',
  'card.securityCode': 'Security code',
  'card.nameOnCard': 'Name on card',
  'card.pay': 'Pay {amount}',
  'card.lock': 'Card details are entered in the card network’s secure fields and never reach the merchant or Pdirect.',
  'field.number.missing': 'Enter your card number',
  'field.number.invalid': 'Check your card number',
  'field.expiryMonth.missing': 'Enter the expiry month',
  'field.expiryMonth.invalid': 'Enter the expiry month as MM (01 to 12)',
  'field.expiryYear.missing': 'Enter the expiry year',
  'field.expiryYear.invalid': 'Check the expiry year: YY, and not in the past',
  'field.securityCode.missing': 'Enter the security code',
  'field.securityCode.invalid': 'Enter the 3 or 4 digit security code',
  'field.nameOnCard.missing': 'Enter the name on the card',
  'field.nameOnCard.invalid': 'Check the name on the card',
  'form.checkDetails': 'Please check your card details: {problems}.',
  'form.checkDetailsGeneric': 'Please check your card details.',
  'form.timedOut': 'The card form timed out. Please enter your card details again.',
  'form.couldNotCheck': 'Your card details could not be checked. Please try again.',
  'form.expired': 'The card form expired. Please enter your card details again.',
  'decline.declined': 'Your bank declined the card. Try another card or contact your bank.',
  'decline.expiredCard': 'Your bank says this card has expired. Try another card.',
  'decline.securityCode': 'The security code does not match the card. Check it and try again, or try another card.',
  'decline.insufficientFunds': 'There is not enough money on this card. Try another card.',
  'decline.unavailable': 'Your bank could not be reached. No money was taken. Try again in a moment, or try another card.',
  'decline.authentication': 'Your bank could not confirm it’s you, so no money was taken. Try again, or try another card.',
  'decline.refused': 'This payment could not be accepted. Try another card, or contact the merchant.',
  'decline.generic': 'Your payment did not go through and no money was taken. Try another card.',
  'challenge.title': 'Confirm with your bank',
  'challenge.intro': 'Your bank wants to check it’s really you. Follow the steps in the window below.',
  'challenge.frameTitle': 'Your bank’s security check',
  'challenge.useOther': 'Use a different card',
  'expiry.warning': 'This checkout closes in {time}. Finish paying before then, or start again from {merchant}.',
  'expiry.expired': 'This checkout has expired',
  'final.success': 'Payment successful',
  'final.successText': 'Taking you back to {merchant}…',
  'final.pendingTitle': 'We are confirming your payment',
  'final.pendingText': 'Your bank has not answered yet. Please do not pay again: this page moves on by itself once the payment settles.',
  'final.pendingLater': 'Still waiting. You can go back to {merchant}: they will confirm your order once the payment settles.',
  'confirming.text': 'Your bank has answered. We are confirming the payment with it; this page updates by itself. Please do not pay again.',
  'final.invalidTitle': 'This payment link is not valid',
  'final.invalidText': 'Check that you opened the complete link the merchant gave you, or go back to the merchant and start again.',
  'final.incompleteTitle': 'This payment link is incomplete',
  'final.incompleteText': 'Open the complete link the merchant gave you, or go back to the merchant and start again.',
  'final.expiredTitle': 'This checkout has expired',
  'final.expiredText': 'Nothing was charged. Go back to {merchant} to start a new payment.',
  'final.paidTitle': 'This order is already paid',
  'final.paidText': 'There is nothing more to pay. {merchant} will confirm your order.',
  'final.cancelledTitle': 'This checkout was cancelled',
  'final.cancelledText': 'Nothing was charged. Go back to {merchant} to start again.',
  'final.lockedTitle': 'This checkout is closed',
  'final.lockedText': 'There were too many failed attempts, so nothing more can be paid here. Go back to {merchant} to start again.',
  'final.inProgressTitle': 'A payment is already in progress',
  'final.inProgressText': 'Please wait a moment, and check with {merchant} before paying again.',
  'final.deviceTitle': 'Please continue on your original device',
  'final.deviceText': 'For your security, this checkout only works on the device where it was first opened.',
  'error.connection': 'The payment service could not be reached. Check your connection and try again.',
  'error.server': 'Something went wrong on our side. Please try again.',
  'error.generic': 'Something went wrong. Reload the page to try again.',
  'error.reference': '(Reference: {reference})',
};

export type CheckoutMessageKey = keyof typeof en;
export type CheckoutMessages = Record<CheckoutMessageKey, string>;

const id: CheckoutMessages = {
  'page.title': 'Pembayaran aman',
  'page.titleWithMerchant': 'Bayar {merchant} · {amount}',
  'summary.pay': 'Bayar ',
  'summary.amountToPay': 'Jumlah yang dibayar: ',
  'summary.order': 'Pesanan {order}',
  'summary.testMode': 'Mode uji',
  'summary.testModeHint': 'Sandbox: tidak ada uang sungguhan yang berpindah',
  'back.toMerchant': 'Kembali ke {merchant}',
  'back.toMerchantGeneric': 'Kembali ke penjual',
  'back.cancelling': 'Membatalkan…',
  'footer.securedBy': 'Diamankan oleh Pdirect',
  'status.loading': 'Memuat halaman pembayaran…',
  'status.loadingCard': 'Memuat formulir kartu yang aman…',
  'status.checkingCard': 'Memeriksa data kartu Anda…',
  'status.processing': 'Memproses pembayaran Anda…',
  'status.sendingCode': 'Mengirim kode…',
  'status.checkingCode': 'Memeriksa kode…',
  'status.codeSentTo': 'Kami mengirim kode ke {to}.',
  'status.codeSent': 'Kami mengirimkan kode kepada Anda. Mungkin perlu satu menit untuk sampai.',
  'status.loadFailed': 'Halaman pembayaran tidak dapat dimuat. Periksa koneksi Anda lalu muat ulang halaman.',
  'otp.title': 'Pastikan ini Anda',
  'otp.intro': 'Untuk melindungi pembayaran ini, kami akan mengirim kode 6 digit ke nomor telepon atau alamat e-mail yang Anda berikan kepada penjual.',
  'otp.send': 'Kirim kode',
  'otp.codeLabel': 'Kode 6 digit',
  'otp.verify': 'Verifikasi kode',
  'otp.resend': 'Kirim kode baru',
  'otp.enterCode': 'Masukkan kode 6 digit yang kami kirimkan.',
  'otp.wrongCode': 'Kode salah atau sudah kedaluwarsa. Periksa lagi, atau minta kode baru.',
  'otp.tooMany': 'Terlalu banyak percobaan. Coba lagi dalam {wait}.',
  'time.minutes': '{n} menit',
  'time.seconds': '{n} detik',
  'card.title': 'Bayar dengan kartu',
  'card.number': 'Nomor kartu',
  'card.expiryMonth': 'Bulan kedaluwarsa',
  'card.expiryYear': 'Tahun kedaluwarsa',
  'card.securityCode': 'Kode keamanan',
  'card.nameOnCard': 'Nama pada kartu',
  'card.pay': 'Bayar {amount}',
  'card.lock': 'Data kartu dimasukkan di kolom aman milik jaringan kartu dan tidak pernah sampai ke penjual maupun Pdirect.',
  'field.number.missing': 'Masukkan nomor kartu Anda',
  'field.number.invalid': 'Periksa nomor kartu Anda',
  'field.expiryMonth.missing': 'Masukkan bulan kedaluwarsa',
  'field.expiryMonth.invalid': 'Masukkan bulan kedaluwarsa sebagai BB (01 sampai 12)',
  'field.expiryYear.missing': 'Masukkan tahun kedaluwarsa',
  'field.expiryYear.invalid': 'Periksa tahun kedaluwarsa: TT, dan bukan yang sudah lewat',
  'field.securityCode.missing': 'Masukkan kode keamanan',
  'field.securityCode.invalid': 'Masukkan kode keamanan 3 atau 4 digit',
  'field.nameOnCard.missing': 'Masukkan nama pada kartu',
  'field.nameOnCard.invalid': 'Periksa nama pada kartu',
  'form.checkDetails': 'Periksa data kartu Anda: {problems}.',
  'form.checkDetailsGeneric': 'Periksa data kartu Anda.',
  'form.timedOut': 'Waktu formulir kartu habis. Masukkan lagi data kartu Anda.',
  'form.couldNotCheck': 'Data kartu Anda tidak dapat diperiksa. Silakan coba lagi.',
  'form.expired': 'Formulir kartu sudah kedaluwarsa. Masukkan lagi data kartu Anda.',
  'decline.declined': 'Bank Anda menolak kartu ini. Coba kartu lain atau hubungi bank Anda.',
  'decline.expiredCard': 'Menurut bank Anda, kartu ini sudah kedaluwarsa. Coba kartu lain.',
  'decline.securityCode': 'Kode keamanan tidak cocok dengan kartu. Periksa lalu coba lagi, atau coba kartu lain.',
  'decline.insufficientFunds': 'Saldo kartu ini tidak cukup. Coba kartu lain.',
  'decline.unavailable': 'Bank Anda tidak dapat dihubungi. Tidak ada uang yang diambil. Coba lagi sebentar lagi, atau coba kartu lain.',
  'decline.authentication': 'Bank Anda tidak dapat memastikan bahwa ini Anda, jadi tidak ada uang yang diambil. Coba lagi, atau coba kartu lain.',
  'decline.refused': 'Pembayaran ini tidak dapat diterima. Coba kartu lain, atau hubungi penjual.',
  'decline.generic': 'Pembayaran Anda tidak berhasil dan tidak ada uang yang diambil. Coba kartu lain.',
  'challenge.title': 'Konfirmasi dengan bank Anda',
  'challenge.intro': 'Bank Anda ingin memastikan bahwa ini benar-benar Anda. Ikuti langkah di jendela di bawah.',
  'challenge.frameTitle': 'Pemeriksaan keamanan bank Anda',
  'challenge.useOther': 'Gunakan kartu lain',
  'expiry.warning': 'Halaman pembayaran ini ditutup dalam {time}. Selesaikan pembayaran sebelum itu, atau mulai lagi dari {merchant}.',
  'expiry.expired': 'Halaman pembayaran ini sudah kedaluwarsa',
  'final.success': 'Pembayaran berhasil',
  'final.successText': 'Mengembalikan Anda ke {merchant}…',
  'final.pendingTitle': 'Kami sedang mengonfirmasi pembayaran Anda',
  'final.pendingText': 'Bank Anda belum menjawab. Jangan membayar lagi: halaman ini akan berlanjut sendiri setelah pembayaran selesai.',
  'final.pendingLater': 'Masih menunggu. Anda dapat kembali ke {merchant}: mereka akan mengonfirmasi pesanan Anda setelah pembayaran selesai.',
  'confirming.text': 'Bank Anda sudah menjawab. Kami sedang mengonfirmasi pembayaran dengan bank; halaman ini diperbarui sendiri. Jangan membayar lagi.',
  'final.invalidTitle': 'Tautan pembayaran ini tidak valid',
  'final.invalidText': 'Pastikan Anda membuka tautan lengkap dari penjual, atau kembali ke penjual dan mulai lagi.',
  'final.incompleteTitle': 'Tautan pembayaran ini tidak lengkap',
  'final.incompleteText': 'Buka tautan lengkap dari penjual, atau kembali ke penjual dan mulai lagi.',
  'final.expiredTitle': 'Halaman pembayaran ini sudah kedaluwarsa',
  'final.expiredText': 'Tidak ada biaya yang dikenakan. Kembali ke {merchant} untuk memulai pembayaran baru.',
  'final.paidTitle': 'Pesanan ini sudah dibayar',
  'final.paidText': 'Tidak ada lagi yang perlu dibayar. {merchant} akan mengonfirmasi pesanan Anda.',
  'final.cancelledTitle': 'Pembayaran ini dibatalkan',
  'final.cancelledText': 'Tidak ada biaya yang dikenakan. Kembali ke {merchant} untuk memulai lagi.',
  'final.lockedTitle': 'Halaman pembayaran ini ditutup',
  'final.lockedText': 'Terlalu banyak percobaan yang gagal, jadi tidak ada lagi yang dapat dibayar di sini. Kembali ke {merchant} untuk memulai lagi.',
  'final.inProgressTitle': 'Sebuah pembayaran sedang diproses',
  'final.inProgressText': 'Harap tunggu sebentar, dan tanyakan kepada {merchant} sebelum membayar lagi.',
  'final.deviceTitle': 'Lanjutkan di perangkat awal Anda',
  'final.deviceText': 'Demi keamanan Anda, halaman pembayaran ini hanya berfungsi di perangkat tempat halaman ini pertama kali dibuka.',
  'error.connection': 'Layanan pembayaran tidak dapat dihubungi. Periksa koneksi Anda lalu coba lagi.',
  'error.server': 'Terjadi kesalahan di pihak kami. Silakan coba lagi.',
  'error.generic': 'Terjadi kesalahan. Muat ulang halaman untuk mencoba lagi.',
  'error.reference': '(Referensi: {reference})',
};

export const CHECKOUT_MESSAGES = { en, id } as const satisfies Record<Locale, CheckoutMessages>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * The best supported locale for an Accept-Language header (RFC 9110 weights;
 * `id-ID` matches `id`); DEFAULT_LOCALE when nothing matches.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranges = acceptLanguage
    .slice(0, 512)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.tag !== '' && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const primary = range.tag.split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return DEFAULT_LOCALE;
}

/** One message with its `{placeholders}` filled. */
export function message(locale: Locale, key: CheckoutMessageKey, values: Record<string, string> = {}): string {
  return CHECKOUT_MESSAGES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}
