/** MPGS's own view of a hosted session (session.js loads the hosted card fields for it). */
export interface HostedSession {
  hostedSessionId: string;
  /** `<base>/form/version/<N>/merchant/<MID>/session.js` — the same version as every API call. */
  sessionJsUrl: string;
  apiVersion: number;
  merchantId: string;
}
