import { describe, expect, it } from 'vitest';
import { breakerPause, DEFAULT_BREAKER, endpointOf, isEndpointFailure } from './endpoints.js';

describe('webhook endpoints', () => {
  it('groups notify URLs by origin', () => {
    expect(endpointOf('https://Shop.example:443/hooks?a=1')).toBe('https://shop.example');
    expect(endpointOf('http://127.0.0.1:8080/a')).toBe('http://127.0.0.1:8080');
    expect(endpointOf('http://127.0.0.1:8080/b')).toBe(endpointOf('http://127.0.0.1:8080/a'));
    expect(endpointOf('http://127.0.0.1:8081/a')).not.toBe(endpointOf('http://127.0.0.1:8080/a'));
  });

  it('counts only failures that say the endpoint is unreachable', () => {
    expect(isEndpointFailure({ status: null, error: 'timeout' })).toBe(true);
    expect(isEndpointFailure({ status: null, error: 'connection_refused' })).toBe(true);
    expect(isEndpointFailure({ status: 503, error: null })).toBe(false);
    expect(isEndpointFailure({ status: 429, error: null })).toBe(false);
    expect(isEndpointFailure({ status: 400, error: null })).toBe(false);
    expect(isEndpointFailure({ status: 302, error: 'redirect_not_followed' })).toBe(false);
    expect(isEndpointFailure({ status: null, error: 'ssrf_refused' })).toBe(false);
    // One merchant's allow-list refusing the host says nothing about the endpoint (other merchants deliver there).
    expect(isEndpointFailure({ status: null, error: 'notify_url_not_allowed' })).toBe(false);
  });

  it('opens after the threshold and doubles the pause per failed probe, capped', () => {
    const p = { ...DEFAULT_BREAKER, failureThreshold: 3, pauseMs: 1000, maxPauseMs: 5000 };
    expect(breakerPause(2, p)).toBeUndefined();
    expect(breakerPause(3, p)).toBe(1000);
    expect(breakerPause(4, p)).toBe(2000);
    expect(breakerPause(5, p)).toBe(4000);
    expect(breakerPause(6, p)).toBe(5000);
    expect(breakerPause(600, p)).toBe(5000);
  });
});
