import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';
import { dashboardAuditRoutes } from './audit-routes.js';
import type { ConsoleDeps } from './console-common.js';
import { dashboardEventRoutes } from './event-routes.js';
import { dashboardKeyRoutes } from './key-routes.js';
import { dashboardOverviewRoutes } from './overview-routes.js';
import { dashboardPaymentRoutes } from './payment-routes.js';
import { dashboardSettingsRoutes } from './settings-routes.js';

export { auditView } from './audit-routes.js';

/**
 * The console's API: every route reads or acts through the gateway's own
 * services (the same ones behind the merchant API and the CLI), scoped to
 * the signed-in user's merchant, with the permission its role needs.
 */
export function dashboardConsoleRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  dashboardOverviewRoutes(app, deps);
  dashboardPaymentRoutes(app, deps);
  dashboardKeyRoutes(app, deps);
  dashboardEventRoutes(app, deps);
  dashboardSettingsRoutes(app, deps);
  dashboardAuditRoutes(app, deps);

  app.all('/dashboard/api/*', { config: { dashboard: 'read' } }, async (request) => {
    throw new ApiError('1011', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}
