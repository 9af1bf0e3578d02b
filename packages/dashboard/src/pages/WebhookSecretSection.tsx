import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, formatDate } from '../api';
import { ErrorNotice, SecretOnce } from '../components';
import { useCan } from '../session';

/** Developers → the webhook signing secret: rotated with an overlap during which the previous one still signs. */
export function WebhookSecretSection() {
  const canManage = useCan('manage_webhooks');
  const [overlap, setOverlap] = useState('24h');
  const rotate = useMutation({
    mutationFn: () => api<{ webhook_secret: string; previous_expires_at: string }>('/webhook-secret/rotate', { method: 'POST', body: { overlap } }),
  });
  return (
    <section aria-labelledby="whsec-h">
      <h2 id="whsec-h">Webhook signing secret</h2>
      <p>Rotating makes a new secret; the previous one keeps signing alongside it for the overlap, so your receiver can switch without missing an event.</p>
      {canManage ? (
        <div className="inline-form">
          <label>
            Overlap
            <select value={overlap} onChange={(e) => setOverlap(e.target.value)}>
              <option value="0s">None (stop the old secret now)</option>
              <option value="1h">1 hour</option>
              <option value="24h">24 hours</option>
              <option value="7d">7 days</option>
            </select>
          </label>
          <button type="button" className="inline" onClick={() => rotate.mutate()} aria-busy={rotate.isPending}>
            Rotate webhook secret
          </button>
        </div>
      ) : (
        <p>Your role can view but not rotate the secret.</p>
      )}
      <ErrorNotice error={rotate.error} />
      {rotate.data ? (
        <SecretOnce label="Webhook secret" value={rotate.data.webhook_secret}>
          <p>The previous secret stops signing at {formatDate(rotate.data.previous_expires_at)}.</p>
        </SecretOnce>
      ) : null}
    </section>
  );
}
