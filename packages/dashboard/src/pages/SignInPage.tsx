import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useLocation, useNavigate } from 'react-router';
import { z } from 'zod';
import { api } from '../api';
import { ErrorNotice, TextField } from '../components';

const passwordSchema = z.object({ email: z.string().min(1, 'Enter your e-mail address.'), password: z.string().min(1, 'Enter your password.') });
const codeSchema = z.object({
  code: z.string().regex(/^([0-9]{6}|[a-zA-Z2-7]{5}-?[a-zA-Z2-7]{5})$/, 'Enter the 6-digit code, or a recovery code such as abcde-fghij.'),
});

export function SignInPage() {
  const [step, setStep] = useState<'password' | 'code'>('password');
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const passwordForm = useForm<z.infer<typeof passwordSchema>>({ resolver: zodResolver(passwordSchema), defaultValues: { email: '', password: '' } });
  const codeForm = useForm<z.infer<typeof codeSchema>>({ resolver: zodResolver(codeSchema), defaultValues: { code: '' } });
  const password = useMutation({
    mutationFn: (values: z.infer<typeof passwordSchema>) => api('/sign-in', { method: 'POST', body: values }),
    onSuccess: () => setStep('code'),
  });
  const code = useMutation({
    mutationFn: (values: z.infer<typeof codeSchema>) => api('/sign-in/code', { method: 'POST', body: values }),
    onSuccess: async () => {
      await queryClient.resetQueries();
      const from = (location.state as { from?: string } | null)?.from;
      void navigate(from && from !== '/sign-in' ? from : '/', { replace: true });
    },
  });

  return (
    <main className="container">
      <h1>Sign in to the Pdirect dashboard</h1>
      {step === 'password' ? (
        <form onSubmit={passwordForm.handleSubmit((v) => password.mutate(v))} noValidate>
          <TextField
            label="Email"
            type="email"
            autoComplete="username"
            {...passwordForm.register('email')}
            helpId="email-help"
            error={passwordForm.formState.errors.email?.message}
            help="The address your account was created with."
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            {...passwordForm.register('password')}
            helpId="pw-help"
            error={passwordForm.formState.errors.password?.message}
            help=" "
          />
          <ErrorNotice error={password.error} />
          <button type="submit" aria-busy={password.isPending}>
            Sign in
          </button>
        </form>
      ) : (
        <form onSubmit={codeForm.handleSubmit((v) => code.mutate(v))} noValidate>
          <p>Open your authenticator app and enter the code it shows for Pdirect.</p>
          <TextField
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            autoFocus
            {...codeForm.register('code')}
            helpId="code-help"
            error={codeForm.formState.errors.code?.message}
            help="6 digits, or one of your recovery codes."
          />
          <ErrorNotice error={code.error} />
          <button type="submit" aria-busy={code.isPending}>
            Verify code and sign in
          </button>
          <button
            type="button"
            className="secondary outline"
            onClick={() => {
              setStep('password');
              code.reset();
              password.reset();
            }}
          >
            Start again
          </button>
        </form>
      )}
    </main>
  );
}
