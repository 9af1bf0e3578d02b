import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { api, formatDate, type Role } from '../api';
import { ErrorNotice, SecretOnce, TableHead, TextField } from '../components';
import { useCan, useSession } from '../session';

interface Member {
  id: string;
  email: string;
  role: Role;
  status: string;
  created_at: string;
}

/** Settings → team and roles: invite (a one-time setup link), change roles, remove members. */
export function TeamSection() {
  const session = useSession();
  const canManage = useCan('manage_team');
  const queryClient = useQueryClient();
  const team = useQuery({ queryKey: ['team'], queryFn: () => api<{ data: Member[] }>('/team') });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['team'] });
  const inviteForm = useForm<{ email: string; role: Role }>({
    resolver: zodResolver(z.object({ email: z.string().email('Enter an e-mail address.'), role: z.enum(['owner', 'developer', 'viewer']) })),
    defaultValues: { email: '', role: 'viewer' },
  });
  const invite = useMutation({
    mutationFn: (v: { email: string; role: Role }) => api<{ setup_url: string; expires_at: string }>('/team', { method: 'POST', body: v }),
    onSuccess: () => {
      inviteForm.reset();
      refresh();
    },
  });
  const changeRole = useMutation({
    mutationFn: (v: { id: string; role: Role }) => api(`/team/${v.id}`, { method: 'PUT', body: { role: v.role } }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => api(`/team/${id}/remove`, { method: 'POST' }), onSuccess: refresh });

  return (
    <section aria-labelledby="team-h">
      <h2 id="team-h">Team and roles</h2>
      <p>Owners manage the team, settings and refunds; developers manage keys and webhooks; viewers can read everything and change nothing.</p>
      <ErrorNotice error={team.error} />
      <table>
        <TableHead columns={['E-mail', 'Role', 'Status', 'Added', ...(canManage ? ['Actions'] : [])]} />
        <tbody>
          {team.data?.data.map((m) => (
            <tr key={m.id}>
              <td>{m.email}</td>
              <td>
                {canManage && m.status !== 'disabled' && m.id !== session.user.id ? (
                  <label>
                    <span className="sr-only">Role of {m.email}</span>
                    <select value={m.role} onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value as Role })}>
                      <option value="owner">owner</option>
                      <option value="developer">developer</option>
                      <option value="viewer">viewer</option>
                    </select>
                  </label>
                ) : (
                  m.role
                )}
              </td>
              <td>{m.status}</td>
              <td>{formatDate(m.created_at)}</td>
              {canManage ? (
                <td>
                  {m.status !== 'disabled' && m.id !== session.user.id ? (
                    <button type="button" className="inline secondary" onClick={() => remove.mutate(m.id)}>
                      Remove {m.email}
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNotice error={changeRole.error ?? remove.error} />
      {canManage ? (
        <>
          <h3>Invite a team member</h3>
          <form className="inline-form" onSubmit={inviteForm.handleSubmit((v) => invite.mutate(v))} noValidate>
            <TextField
              label="Email"
              type="email"
              helpId="invite-help"
              error={inviteForm.formState.errors.email?.message}
              help="Their sign-in name."
              {...inviteForm.register('email')}
            />
            <label>
              Role
              <select {...inviteForm.register('role')}>
                <option value="viewer">viewer</option>
                <option value="developer">developer</option>
                <option value="owner">owner</option>
              </select>
            </label>
            <button type="submit" aria-busy={invite.isPending}>
              Invite member
            </button>
          </form>
          <ErrorNotice error={invite.error} />
          {invite.data ? (
            <SecretOnce label="Setup link" value={invite.data.setup_url}>
              <p>Send it to the new member over a channel you trust. It works once, until {formatDate(invite.data.expires_at)}.</p>
            </SecretOnce>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
