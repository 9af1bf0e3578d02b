import { InjectionToken, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';

/** What providePdirect() needs: where the gateway is. */
export interface PdirectConfig {
  /** The gateway's origin, e.g. "https://pay.example.com" (no path). */
  baseUrl: string;
}

/** The configuration given to providePdirect(), frozen. */
export const PDIRECT_CONFIG = new InjectionToken<Readonly<PdirectConfig>>('PDIRECT_CONFIG');

/**
 * Registers Pdirect for the application (or a route's injector):
 *
 *   bootstrapApplication(App, { providers: [providePdirect({ baseUrl: 'https://pay.example.com' })] });
 *
 * The session token is not configuration: each checkout session has its own,
 * given to PdirectCheckoutService.start() or to <pdirect-card-form [sessionToken]>.
 */
export function providePdirect(config: PdirectConfig): EnvironmentProviders {
  const baseUrl = config?.baseUrl;
  if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/?#]+\/*$/.test(baseUrl)) {
    throw new TypeError('providePdirect: baseUrl must be the gateway origin, e.g. "https://pay.example.com"');
  }
  return makeEnvironmentProviders([{ provide: PDIRECT_CONFIG, useValue: Object.freeze({ baseUrl: baseUrl.replace(/\/+$/, '') }) }]);
}
