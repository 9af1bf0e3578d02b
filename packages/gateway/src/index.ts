export { loadConfig, ConfigError, type Config } from './config.js';
export { createGateway, createServices, type Gateway, type GatewayServices } from './gateway.js';
export { ApiError, ERROR_CATALOGUE, type ErrorCode } from './errors.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
