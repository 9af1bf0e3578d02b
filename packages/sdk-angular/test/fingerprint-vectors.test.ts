import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deviceFingerprint } from '@pdirect/browser';

/**
 * The test vectors of docs/device-fingerprint.md, checked against the browser
 * SDK's real deviceFingerprint() (which @pdirect/angular uses), so the
 * document a mobile SDK is built from cannot drift from the code.
 */

interface Vector {
  name: string;
  attributes: {
    userAgent: string | null;
    language: string | null;
    platform: string | null;
    screenWidth: number | null;
    screenHeight: number | null;
    colorDepth: number | null;
    timeZone: string | null;
    timezoneOffset: number;
    hardwareConcurrency: number | null;
  };
  canonical: string;
  sha256: string;
}

const DOC = readFileSync(new URL('../../../docs/device-fingerprint.md', import.meta.url), 'utf8');
const block = /<!-- fingerprint-test-vectors[^>]*-->\s*```json\n([\s\S]*?)\n```/.exec(DOC)?.[1];
const vectors: Vector[] = block ? JSON.parse(block) : [];

/** Puts the vector's attributes where the browser SDK reads them; `null` = the platform does not report it. */
function device(a: Vector['attributes']): void {
  const given = <T>(value: T | null) => (value === null ? undefined : value);
  vi.stubGlobal('navigator', {
    userAgent: given(a.userAgent),
    language: given(a.language),
    platform: given(a.platform),
    hardwareConcurrency: given(a.hardwareConcurrency),
  });
  vi.stubGlobal('screen', { width: given(a.screenWidth), height: given(a.screenHeight), colorDepth: given(a.colorDepth) });
  vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(() => ({ resolvedOptions: () => ({ timeZone: given(a.timeZone) }) }) as unknown as Intl.DateTimeFormat);
  vi.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(a.timezoneOffset);
}

describe('device fingerprint test vectors (docs/device-fingerprint.md)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('the document holds the vectors, covering rotation, missing values, the offset fallback and escaping', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(6);
    const names = vectors.map((v) => v.name).join(' | ');
    for (const word of ['portrait', 'landscape', 'missing', 'offset', 'escaping']) expect(names).toContain(word);
    for (const v of vectors) expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: the canonical string hashes to the vector', (_name, v) => {
    expect(createHash('sha256').update(v.canonical, 'utf8').digest('hex')).toBe(v.sha256);
    const parts = JSON.parse(v.canonical) as string[];
    expect(parts).toHaveLength(8);
    expect(parts[0]).toBe('pdirect-fp-v1');
    // The canonical string is the compact JSON text of those eight strings, byte for byte.
    expect(JSON.stringify(parts)).toBe(v.canonical);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: the browser SDK computes the vector', async (_name, v) => {
    device(v.attributes);
    expect(await deviceFingerprint()).toBe(v.sha256);
  });

  it('turning the phone sideways does not change the value; any other attribute does', async () => {
    const portrait = vectors.find((v) => v.name.includes('portrait'))!;
    const landscape = vectors.find((v) => v.name.includes('landscape'))!;
    expect(landscape.sha256).toBe(portrait.sha256);
    expect(landscape.attributes.screenWidth).toBe(portrait.attributes.screenHeight);
    const changes: Array<Partial<Vector['attributes']>> = [
      { language: 'en-US' },
      { platform: 'iPad' },
      { colorDepth: 30 },
      { timeZone: 'Asia/Makassar' },
      { hardwareConcurrency: 6 },
      { screenWidth: 393 },
    ];
    for (const change of changes) {
      device({ ...portrait.attributes, ...change });
      expect(await deviceFingerprint(), JSON.stringify(change)).not.toBe(portrait.sha256);
      vi.restoreAllMocks();
    }
  });
});
