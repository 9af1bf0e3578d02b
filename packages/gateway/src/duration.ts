/** Parses "90s", "15m", "24h", "7d" (or a bare number of seconds) into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
