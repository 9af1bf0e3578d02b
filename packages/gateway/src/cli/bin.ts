import { run } from './main.js';

// The process entry point (bin/pdirect.js loads the compiled copy of this file).
const code = await run(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
if (code !== 0) process.exit(code);
