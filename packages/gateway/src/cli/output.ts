/**
 * CLI output: a result goes to stdout (JSON with --json, aligned "key: value"
 * lines otherwise); diagnostics go to stderr, so secrets printed once on
 * stdout can be captured without mixing them into logs.
 */
export function printResult(result: Record<string, unknown>, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [key, value] of Object.entries(result)) {
    const text = value === null || value === undefined ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    process.stdout.write(`${key.padEnd(width)}  ${text}\n`);
  }
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
