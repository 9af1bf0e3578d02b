import type { FastifyRequest } from 'fastify';
import { authenticateMerchant } from '../auth.js';
import type { SimulatorContext } from '../context.js';
import { MpgsError } from '../errors.js';

export const API_PREFIX = '/api/rest/version/:version';
export const MERCHANT_PREFIX = `${API_PREFIX}/merchant/:merchantId`;
export const FORM_PREFIX = '/form/version/:version/merchant/:merchantId';

export const LATEST_API_VERSION = 100;

/** The {N} of /api/rest/version/{N}: an integer 1..100, kept as the string MPGS echoes in `version`. */
export function apiVersionOf(request: FastifyRequest): string {
  const raw = (request.params as { version?: string }).version ?? '';
  const version = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(version >= 1 && version <= LATEST_API_VERSION)) {
    throw new MpgsError(400, 'INVALID_REQUEST', `Unsupported API version '${raw}'; versions 1 to ${LATEST_API_VERSION} are supported`);
  }
  return String(version);
}

export function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** Version check and Basic auth for every merchant-scoped REST route; returns the ids. */
export function authorizeApiRequest(ctx: SimulatorContext, request: FastifyRequest): { merchantId: string; apiVersion: string } {
  const apiVersion = apiVersionOf(request);
  const merchantId = param(request, 'merchantId');
  authenticateMerchant(request.headers.authorization, merchantId, ctx.merchants);
  return { merchantId, apiVersion };
}
