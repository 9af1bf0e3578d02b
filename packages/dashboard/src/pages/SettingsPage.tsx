import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { api, formatDate } from '../api';
import { ErrorNotice, TableHead } from '../components';
import { useCan } from '../session';
import { TeamSection } from './TeamSection';

interface Settings {
  redirect_hosts: string[];
  fingerprint: {
    configured: 'off' | 'warn' | 'enforce' | null;
    effective: 'off' | 'warn' | 'enforce';
    default_warn_days: number;
    default_enforce_from: string;
  };
  otp_channels: { email: string; sms: string };
  risk: {
    thresholds: { elevated: number; highest: number };
    default_actions: Record<'normal' | 'elevated' | 'highest', string>;
    model: string;
    rules: number;
  };
  mode: string;
}

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
const hostsSchema = z.object({
  hosts: z.string().refine(
    (text) =>
      text
        .split(/[\s,]+/)
        .filter(Boolean)
        .every((h) => HOST.test(h)),
    'Give bare host names such as shop.example — no scheme, path or port.',
  ),
});

export function SettingsPage() {
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => api<Settings>('/settings') });
  return (
    <>
      <h1>Settings</h1>
      <ErrorNotice error={settings.error} />
      {settings.data ? (
        <>
          <AllowListSection settings={settings.data} />
          <FingerprintSection settings={settings.data} />
          <section aria-labelledby="otp-h">
            <h2 id="otp-h">Customer one-time code (OTP) channels</h2>
            <p>
              Set for the whole gateway by its operator (PDIRECT_OTP_EMAIL, PDIRECT_OTP_SMS). A session that requires a code is refused when no channel can
              reach its customer.
            </p>
            <dl className="fields">
              <dt>E-mail</dt>
              <dd>{settings.data.otp_channels.email === 'off' ? 'off' : `on (${settings.data.otp_channels.email})`}</dd>
              <dt>SMS</dt>
              <dd>{settings.data.otp_channels.sms === 'off' ? 'off' : `on (${settings.data.otp_channels.sms})`}</dd>
            </dl>
          </section>
          <section aria-labelledby="risk-policy-h">
            <h2 id="risk-policy-h">Fraud screening and CSC policy</h2>
            <p>Every payment attempt is scored 0–100 by the risk model before money moves. Without a rule deciding otherwise, the level sets the action:</p>
            <table data-testid="risk-policy">
              <TableHead columns={['Level', 'Score', 'Action by default']} />
              <tbody>
                <tr>
                  <td>normal</td>
                  <td>below {settings.data.risk.thresholds.elevated}</td>
                  <td>{settings.data.risk.default_actions.normal}</td>
                </tr>
                <tr>
                  <td>elevated</td>
                  <td>
                    {settings.data.risk.thresholds.elevated} to {settings.data.risk.thresholds.highest - 1}
                  </td>
                  <td>{settings.data.risk.default_actions.elevated}</td>
                </tr>
                <tr>
                  <td>highest</td>
                  <td>{settings.data.risk.thresholds.highest} and above</td>
                  <td>{settings.data.risk.default_actions.highest}</td>
                </tr>
              </tbody>
            </table>
            <p>
              Model in force: <code>{settings.data.risk.model}</code> (
              {settings.data.risk.model === 'shipped' ? 'the weights shipped with Pdirect' : 'retrained on this gateway'}
              ). Your rules: {settings.data.risk.rules} — edit them, and dry-run new ones, under <Link to="/developers#rules-h">Developers → Risk rules</Link>.
              Marking payments as fraud or not fraud (payment page, Reviews) is what retraining learns from.
            </p>
            <p>
              The card network's security-code (CSC) check is shown on each payment when the network reports it (match, no_match, not_processed or
              not_provided).
            </p>
          </section>
          <TeamSection />
        </>
      ) : null}
    </>
  );
}

function AllowListSection({ settings }: { settings: Settings }) {
  const canEdit = useCan('manage_settings');
  const queryClient = useQueryClient();
  const form = useForm<z.infer<typeof hostsSchema>>({ resolver: zodResolver(hostsSchema), values: { hosts: settings.redirect_hosts.join('\n') } });
  const save = useMutation({
    mutationFn: (hosts: string) => api('/settings', { method: 'PUT', body: { redirect_hosts: hosts.split(/[\s,]+/).filter(Boolean) } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['settings'] }),
  });
  return (
    <section aria-labelledby="hosts-h">
      <h2 id="hosts-h">Redirect and notify host allow-list</h2>
      <p>Every checkout session's notify_url, success_redirect_url and fail_redirect_url must be on one of these hosts (any port, https only in live mode).</p>
      {settings.redirect_hosts.length === 0 ? (
        <p className="notice warning" role="alert" data-testid="empty-allowlist">
          The allow-list is empty: every checkout session will be refused (error 1201) until you add your shop's host.
        </p>
      ) : (
        <ul data-testid="allowlist">
          {settings.redirect_hosts.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      )}
      {canEdit ? (
        <form onSubmit={form.handleSubmit((v) => save.mutate(v.hosts))} noValidate>
          <label>
            Allowed hosts (one per line)
            <textarea rows={4} aria-describedby="hosts-help" aria-invalid={form.formState.errors.hosts ? true : undefined} {...form.register('hosts')} />
            <small aria-hidden="true" id="hosts-help">
              {form.formState.errors.hosts?.message ?? 'For example shop.example. An empty list refuses every checkout.'}
            </small>
          </label>
          <button type="submit" className="inline" aria-busy={save.isPending}>
            Save allow-list
          </button>
          <ErrorNotice error={save.error} />
          {save.isSuccess ? <p role="status">Allow-list saved.</p> : null}
        </form>
      ) : null}
    </section>
  );
}

function FingerprintSection({ settings }: { settings: Settings }) {
  const canEdit = useCan('manage_settings');
  const queryClient = useQueryClient();
  const form = useForm<{ mode: string }>({ values: { mode: settings.fingerprint.configured ?? 'default' } });
  const save = useMutation({
    mutationFn: (mode: string) => api('/settings', { method: 'PUT', body: { fingerprint_mode: mode === 'default' ? null : mode } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['settings'] }),
  });
  const f = settings.fingerprint;
  return (
    <section aria-labelledby="fp-h">
      <h2 id="fp-h">Device fingerprint binding</h2>
      <p>
        The first browser request of a checkout locks the device fingerprint on the session; later requests from another device are refused (enforce), recorded
        in the audit log (warn), or ignored (off).
      </p>
      <p data-testid="fingerprint-effective">
        In effect now: <strong>{f.effective}</strong>
        {f.configured === null
          ? ` — by default: warn for the first ${f.default_warn_days} days after the merchant was created, then enforce (from ${formatDate(f.default_enforce_from)}).`
          : ` — set explicitly to ${f.configured}.`}
      </p>
      {canEdit ? (
        <form className="inline-form" onSubmit={form.handleSubmit((v) => save.mutate(v.mode))}>
          <label>
            Fingerprint mode
            <select {...form.register('mode')}>
              <option value="default">Default (warn {f.default_warn_days} days, then enforce)</option>
              <option value="enforce">Enforce</option>
              <option value="warn">Warn only</option>
              <option value="off">Off</option>
            </select>
          </label>
          <button type="submit" aria-busy={save.isPending}>
            Save fingerprint mode
          </button>
          <ErrorNotice error={save.error} />
        </form>
      ) : null}
    </section>
  );
}
