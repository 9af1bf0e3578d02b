import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { api, formatDate } from '../api';
import { ErrorNotice, SecretOnce, TableHead, TextField } from '../components';
import { useCan } from '../session';

interface Key {
  key_id: string;
  mode: string;
  ip_allowlist: string[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  active: boolean;
  rotation_due: boolean;
  last_used_at: string | null;
}

// IPv4 or IPv6 address, optionally with a prefix length; the server validates it again exactly.
const CIDR = /^(([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[12][0-9]|3[0-2]))?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$/;
const cidrText = z.string().refine(
  (text) =>
    text
      .split(/[\s,]+/)
      .filter(Boolean)
      .every((c) => CIDR.test(c)),
  'Each entry must be an IP address or CIDR range, such as 203.0.113.0/24 or 2001:db8::/32.',
);
const toList = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** Developers → API keys: several active at once, each with its allowed source addresses; revoke now or after an overlap. */
export function KeysSection() {
  const canManage = useCan('manage_keys');
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api<{ data: Key[] }>('/keys') });
  const form = useForm<{ ip: string }>({ resolver: zodResolver(z.object({ ip: cidrText })), defaultValues: { ip: '' } });
  const create = useMutation({
    mutationFn: (ip: string) => api<{ key_id: string; merchant_secret: string }>('/keys', { method: 'POST', body: { ip_allowlist: toList(ip) } }),
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });

  return (
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <p>Several keys can be active at once: create the new key, deploy it, then revoke the old one (now, or after an overlap).</p>
      <ErrorNotice error={keys.error} />
      <div className="table-wrap">
        <table>
          <TableHead columns={['Key id', 'State', 'Created', 'Last used', 'Expires', 'Allowed source addresses', 'Rotation', 'Actions']} />
          <tbody>
            {keys.data?.data.map((k) => (
              <KeyRow key={k.key_id} k={k} canManage={canManage} />
            ))}
          </tbody>
        </table>
      </div>
      {canManage ? (
        <>
          <h3>Create a key</h3>
          <form className="inline-form" onSubmit={form.handleSubmit((v) => create.mutate(v.ip))} noValidate>
            <TextField
              label="Allowed source addresses (optional)"
              placeholder="203.0.113.0/24, 2001:db8::/32"
              helpId="new-ip-help"
              invalid={!!form.formState.errors.ip}
              error={form.formState.errors.ip?.message}
              help="Empty: the key works from any address."
              {...form.register('ip')}
            />
            <button type="submit" aria-busy={create.isPending}>
              Create key
            </button>
          </form>
          <ErrorNotice error={create.error} />
          {create.data ? (
            <SecretOnce label="Merchant secret" value={create.data.merchant_secret}>
              <p>
                Key id: <code>{create.data.key_id}</code>. Use it as <code>Authorization: Bearer &lt;merchant secret&gt;</code>.
              </p>
            </SecretOnce>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function KeyRow({ k, canManage }: { k: Key; canManage: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [expiresIn, setExpiresIn] = useState('24h');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['keys'] });
  const revoke = useMutation({ mutationFn: (body: { expires_in?: string }) => api(`/keys/${k.key_id}/revoke`, { method: 'POST', body }), onSuccess: refresh });
  const form = useForm<{ ip: string }>({ resolver: zodResolver(z.object({ ip: cidrText })), defaultValues: { ip: k.ip_allowlist.join(', ') } });
  const save = useMutation({
    mutationFn: (ip: string) => api(`/keys/${k.key_id}/ip-allowlist`, { method: 'PUT', body: { ip_allowlist: toList(ip) } }),
    onSuccess: () => {
      setEditing(false);
      refresh();
    },
  });
  const state = k.revoked_at ? 'revoked' : k.active ? (k.expires_at ? 'active, expiry scheduled' : 'active') : 'expired';
  return (
    <tr>
      <td>
        <code>{k.key_id}</code>
      </td>
      <td data-testid={`key-state-${k.key_id}`}>{state}</td>
      <td>{formatDate(k.created_at)}</td>
      <td>{k.last_used_at ? formatDate(k.last_used_at) : 'never'}</td>
      <td>{formatDate(k.revoked_at ?? k.expires_at)}</td>
      <td>
        {editing ? (
          <form onSubmit={form.handleSubmit((v) => save.mutate(v.ip))} noValidate>
            <TextField
              label={<>Allowed source addresses for {k.key_id}</>}
              helpId={`ip-help-${k.key_id}`}
              invalid={!!form.formState.errors.ip}
              error={form.formState.errors.ip?.message}
              help="Comma-separated; empty for any address."
              {...form.register('ip')}
            />
            <button type="submit" className="inline">
              Save addresses
            </button>
            <button type="button" className="inline secondary outline" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <ErrorNotice error={save.error} />
          </form>
        ) : k.ip_allowlist.length ? (
          k.ip_allowlist.join(', ')
        ) : (
          'any address'
        )}
      </td>
      <td>{k.rotation_due ? <strong>rotation due</strong> : 'ok'}</td>
      <td>
        {canManage && k.active ? (
          <>
            {!editing ? (
              <button type="button" className="inline secondary" onClick={() => setEditing(true)}>
                Edit addresses of {k.key_id}
              </button>
            ) : null}
            <button type="button" className="inline" onClick={() => revoke.mutate({})}>
              Revoke {k.key_id} now
            </button>
            <label>
              Overlap before it stops working
              <select value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)}>
                <option value="1h">1 hour</option>
                <option value="24h">24 hours</option>
                <option value="7d">7 days</option>
              </select>
            </label>
            <button type="button" className="inline secondary" onClick={() => revoke.mutate({ expires_in: expiresIn })}>
              Schedule expiry of {k.key_id}
            </button>
            <ErrorNotice error={revoke.error} />
          </>
        ) : null}
      </td>
    </tr>
  );
}
