// The invariant checker of the fault campaign (bench/chaos.ts): what the
// card network's own ledger, the gateway's database, the webhook receiver and
// the customers' answers must agree on once everything has settled. Pure: it
// reads what the campaign collected and names every violation.

/** One order as the card network recorded it (the simulator's ledger). */
export interface LedgerOrder {
  orderId: string;
  reference: string | undefined;
  transactions: Array<{ id: string; type: string; result: string; amountMinor: number; voided: boolean; targetTransactionId?: string }>;
}

export interface CampaignFacts {
  /** Every checkout session the campaign minted (by its merchant order id). */
  sessions: Array<{ id: string; orderId: string; status: string }>;
  /** `networkOrderRef`: the order id the gateway gave the card network (its ledger's `orderId`), when not the merchant's. */
  payments: Array<{ id: string; sessionId: string; orderId: string; status: string; networkOrderRef?: string }>;
  refunds: Array<{ id: string; status: string }>;
  ledger: LedgerOrder[];
  /** payment ids announced by a `payment.succeeded` webhook the receiver got. */
  announcedSucceeded: Set<string>;
  /** Webhook deliveries by state (all events of the campaign's merchant). */
  deliveries: Record<string, number>;
  /** Every request a gateway answered (a status line reached the client): request id, what it was, the status. */
  answered: Array<{ requestId: string; what: string; status: number; errorCode?: string }>;
  /** Audit records per request id. */
  auditCounts: Map<string, number>;
  /** What the customer was told at collect (or at the 3-D Secure return): `succeeded`, `declined`, … by order id. */
  told: Map<string, 'succeeded' | 'declined'>;
  /** Order ids whose customer got a 3-D Secure challenge (and went through it). A challenge nobody saw waits for the session's expiry. */
  challenged: Set<string>;
}

export interface InvariantRow {
  invariant: string;
  checked: number;
  violations: number;
  /** Up to five examples. */
  examples: string[];
}

/** Net charges of one order: a PAY (or a CAPTURE of an authorization) that succeeded, not voided, not refunded in full. */
function chargesOf(order: LedgerOrder): { gross: number; net: number } {
  let gross = 0;
  let net = 0;
  for (const t of order.transactions) {
    if ((t.type !== 'PAYMENT' && t.type !== 'CAPTURE') || t.result !== 'SUCCESS') continue;
    gross++;
    const refunded = order.transactions
      .filter((r) => r.type === 'REFUND' && r.result === 'SUCCESS' && !r.voided && (r.targetTransactionId === undefined || r.targetTransactionId === t.id))
      .reduce((sum, r) => sum + r.amountMinor, 0);
    if (!t.voided && refunded < t.amountMinor) net++;
  }
  return { gross, net };
}

export function checkInvariants(facts: CampaignFacts): { rows: InvariantRow[]; lateChargesReversed: number; unseenChallenges: number } {
  const rows: InvariantRow[] = [];
  const row = (invariant: string, checked: number, bad: string[]) => rows.push({ invariant, checked, violations: bad.length, examples: bad.slice(0, 5) });

  const chargesBySession = new Map<string, { gross: number; net: number }>();
  let lateChargesReversed = 0;
  // A ledger order belongs to the merchant order whose payment the gateway sent under that network order id (or, for
  // a gateway that sends the merchant's order id as the reference, to that reference).
  const merchantOrderOf = new Map(facts.payments.filter((p) => p.networkOrderRef !== undefined).map((p) => [p.networkOrderRef!, p.orderId]));
  for (const order of facts.ledger) {
    const merchantOrder = merchantOrderOf.get(order.orderId) ?? order.reference;
    if (merchantOrder === undefined) continue;
    const c = chargesOf(order);
    lateChargesReversed += c.gross - c.net;
    const sum = chargesBySession.get(merchantOrder) ?? { gross: 0, net: 0 };
    chargesBySession.set(merchantOrder, { gross: sum.gross + c.gross, net: sum.net + c.net });
  }
  const succeededBySession = new Map<string, string[]>();
  for (const p of facts.payments) {
    if (p.status !== 'succeeded') continue;
    succeededBySession.set(p.orderId, [...(succeededBySession.get(p.orderId) ?? []), p.id]);
  }

  const overCharged = facts.sessions
    .filter((s) => (chargesBySession.get(s.orderId)?.net ?? 0) > 1)
    .map((s) => `${s.id}: ${chargesBySession.get(s.orderId)!.net} charges`);
  row('charges per session ≤ 1 (card network ledger)', facts.sessions.length, overCharged);

  const mismatched: string[] = [];
  for (const s of facts.sessions) {
    const charged = (chargesBySession.get(s.orderId)?.net ?? 0) === 1;
    const succeeded = succeededBySession.get(s.orderId) ?? [];
    if (succeeded.length > 1) mismatched.push(`${s.id}: ${succeeded.length} succeeded payments`);
    else if (charged !== (succeeded.length === 1))
      mismatched.push(`${s.id}: charged=${charged}, gateway says ${succeeded.length === 1 ? 'succeeded' : 'not succeeded'}`);
    else if (succeeded.length === 1 && s.status !== 'paid') mismatched.push(`${s.id}: payment succeeded but session ${s.status}`);
  }
  row('charged exactly when the gateway says succeeded', facts.sessions.length, mismatched);

  const lied: string[] = [];
  for (const [orderId, told] of facts.told) {
    const charged = (chargesBySession.get(orderId)?.net ?? 0) === 1;
    if ((told === 'succeeded') !== charged) lied.push(`order ${orderId}: customer told ${told}, charged=${charged}`);
  }
  row('the customer was told the truth (answered collects and 3-D Secure returns)', facts.told.size, lied);

  const succeededPayments = facts.payments.filter((p) => p.status === 'succeeded');
  row(
    'every success announced (payment.succeeded received)',
    succeededPayments.length,
    succeededPayments.filter((p) => !facts.announcedSucceeded.has(p.id)).map((p) => `${p.id} never announced`),
  );

  // A challenge whose collect answer was lost: the customer never saw it; it waits (session processing) until the session expires.
  const awaitingUnseenChallenge = new Set(
    facts.payments.filter((p) => p.status === 'requires_action' && !facts.challenged.has(p.orderId)).map((p) => p.orderId),
  );
  const stuck = [
    ...facts.payments
      .filter((p) => ['processing', 'pending'].includes(p.status) || (p.status === 'requires_action' && facts.challenged.has(p.orderId)))
      .map((p) => `payment ${p.id} ${p.status}`),
    ...facts.sessions.filter((s) => s.status === 'processing' && !awaitingUnseenChallenge.has(s.orderId)).map((s) => `session ${s.id} processing`),
    ...facts.refunds.filter((r) => r.status === 'pending').map((r) => `refund ${r.id} pending`),
    ...Object.entries(facts.deliveries)
      .filter(([state, n]) => state !== 'succeeded' && n > 0)
      .map(([state, n]) => `${n} webhook deliveries ${state}`),
  ];
  row('nothing stuck after reconciliation', facts.payments.length + facts.sessions.length, stuck);

  // A 503 1901 ("could not be recorded / temporarily unavailable", with Retry-After) is the one answer allowed without a
  // record: it is what the gateway answers when the record cannot be written, and nothing was done for it.
  const refusedUnrecorded = (a: CampaignFacts['answered'][number]) => a.status === 503 && a.errorCode === '1901';
  const unaudited = facts.answered
    .filter((a) => (facts.auditCounts.get(a.requestId) ?? 0) === 0 && !refusedUnrecorded(a))
    .map((a) => `${a.requestId} ${a.what} → ${a.status}`);
  row('every answered request audited (or answered 503 1901)', facts.answered.length, unaudited);
  const doubled = facts.answered
    .filter((a) => (facts.auditCounts.get(a.requestId) ?? 0) > 1)
    .map((a) => `${a.requestId} ${a.what}: ${facts.auditCounts.get(a.requestId)} records`);
  row('one audit record per request', facts.answered.length, doubled);

  const unseenChallenges = facts.payments.filter((p) => p.status === 'requires_action' && !facts.challenged.has(p.orderId)).length;
  return { rows, lateChargesReversed, unseenChallenges };
}

/** The table as Markdown. */
export function formatTable(rows: InvariantRow[]): string {
  const lines = ['| invariant | checked | violations |', '| --- | ---: | ---: |', ...rows.map((r) => `| ${r.invariant} | ${r.checked} | ${r.violations} |`)];
  const examples = rows.filter((r) => r.violations > 0).flatMap((r) => [`${r.invariant}:`, ...r.examples.map((e) => `  - ${e}`)]);
  return [...lines, ...(examples.length ? ['', ...examples] : [])].join('\n');
}
