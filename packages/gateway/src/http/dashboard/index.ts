import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { GatewayServices } from '../../services.js';
import { PaymentRepository } from '../../modules/payments/payment-repository.js';
import { WebhookDeliveryRepository } from '../../modules/webhooks/delivery-repository.js';
import { dashboardAuthRoutes } from './auth-routes.js';
import { dashboardConsoleRoutes } from './console-routes.js';
import { dashboardRiskRoutes } from './risk-routes.js';
import { cookieSettings, registerDashboardGuard } from './guard.js';
import { registerDashboardStatic } from './static.js';

/**
 * The merchant dashboard at /dashboard: the prebuilt app, and its API under
 * /dashboard/api (cookie session, CSRF token and Origin check, role per
 * route, every request audited as the dashboard user). Encapsulated: the
 * cookie parser and the guard apply to these routes only.
 */
export function registerDashboard(app: FastifyInstance, config: Config, services: GatewayServices): void {
  void app.register(async (scope) => {
    await scope.register(fastifyCookie);
    const cookies = cookieSettings(Boolean(config.tls) || config.mode === 'live');
    registerDashboardGuard(scope, { users: services.users, cookies, allowedOrigins: [new URL(config.publicUrl).origin] });
    dashboardAuthRoutes(scope, { users: services.users, merchants: services.merchants, cookies });
    const payments = new PaymentRepository(services.storage.db);
    dashboardRiskRoutes(scope, { services, payments });
    dashboardConsoleRoutes(scope, {
      services,
      payments,
      deliveries: new WebhookDeliveryRepository(services.storage),
      mode: config.mode,
      otp: config.otp,
    });
    await registerDashboardStatic(scope);
  });
}
