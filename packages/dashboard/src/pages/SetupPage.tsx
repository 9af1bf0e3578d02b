import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../api';
import { ErrorNotice, TextField } from '../components';

interface SetupInfo {
  email: string;
  role: string;
  merchant_name: string;
  totp_secret: string;
  otpauth_uri: string;
}

const schema = z
  .object({
    password: z.string().min(12, 'Use at least 12 characters.').max(256, 'Use at most 256 characters.'),
    confirm: z.string(),
    code: z.string().regex(/^[0-9]{6}$/, 'Enter the 6 digits your authenticator app shows.'),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords are not the same.' });
type Form = z.infer<typeof schema>;

/** The one-time setup link: the token is in the fragment, so it never reaches a server log or a Referer. */
export function SetupPage() {
  const [token] = useState(() => window.location.hash.slice(1));
  const info = useQuery({
    queryKey: ['setup', token],
    queryFn: () => api<SetupInfo>('/setup/describe', { method: 'POST', body: { token } }),
    enabled: token.length > 0,
    staleTime: Infinity,
  });
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: { password: '', confirm: '', code: '' } });
  const complete = useMutation({
    mutationFn: (values: Form) =>
      api<{ recovery_codes: string[] }>('/setup/complete', { method: 'POST', body: { token, password: values.password, code: values.code } }),
    onSuccess: () => history.replaceState(null, '', window.location.pathname),
  });

  if (complete.data) {
    return (
      <main className="container">
        <h1>Your account is ready</h1>
        <article className="secret-once">
          <h2>Recovery codes — shown only now</h2>
          <p>Each code signs you in once if you lose your authenticator app. Store them somewhere safe, apart from your password.</p>
          <ul data-testid="recovery-codes">
            {complete.data.recovery_codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </article>
        <p>
          <Link to="/sign-in" role="button">
            Continue to sign in
          </Link>
        </p>
      </main>
    );
  }

  return (
    <main className="container">
      <h1>Set up your dashboard account</h1>
      {!token ? <p role="alert">This page needs the setup link you were given (it ends with #…). Ask an owner for a new one.</p> : null}
      {info.isPending && token ? <p aria-busy="true">Checking the setup link…</p> : null}
      <ErrorNotice error={info.error} />
      {info.data ? (
        <form onSubmit={form.handleSubmit((values) => complete.mutate(values))} noValidate>
          <p>
            Account <strong>{info.data.email}</strong> ({info.data.role}) for <strong>{info.data.merchant_name}</strong>.
          </p>
          <fieldset>
            <legend>
              <h2>1. Choose a password</h2>
            </legend>
            <TextField
              label="Password"
              type="password"
              autoComplete="new-password"
              invalid={!!form.formState.errors.password}
              helpId="password-help"
              help={
                <>At least 12 characters, not a commonly used password.{form.formState.errors.password ? ` ${form.formState.errors.password.message}` : ''}</>
              }
              {...form.register('password')}
            />
            <TextField
              label="Repeat the password"
              type="password"
              autoComplete="new-password"
              invalid={!!form.formState.errors.confirm}
              helpId="confirm-help"
              error={form.formState.errors.confirm?.message}
              help="Type it again to be sure."
              {...form.register('confirm')}
            />
          </fieldset>
          <fieldset>
            <legend>
              <h2>2. Add Pdirect to your authenticator app</h2>
            </legend>
            <p>Scan this QR code with an authenticator app (such as Google Authenticator, 1Password or Aegis), or type the secret below into it.</p>
            <div className="qr">
              <QRCodeSVG value={info.data.otpauth_uri} size={180} title="QR code of the authenticator secret" />
            </div>
            <p>
              Secret: <code data-testid="totp-secret">{info.data.totp_secret}</code>
            </p>
            <TextField
              label="Authentication code"
              inputMode="numeric"
              autoComplete="one-time-code"
              invalid={!!form.formState.errors.code}
              helpId="code-help"
              error={form.formState.errors.code?.message}
              help="The 6 digits the app shows now."
              {...form.register('code')}
            />
          </fieldset>
          <ErrorNotice error={complete.error} />
          <button type="submit" aria-busy={complete.isPending}>
            Set password and enable two-factor sign-in
          </button>
        </form>
      ) : null}
    </main>
  );
}
