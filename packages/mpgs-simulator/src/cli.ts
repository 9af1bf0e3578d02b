import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';

/**
 * `pdirect-mpgs-simulator [--port N] [--host H] [--public-url URL] [--state-file F] [--log]`
 * Port also from PDIRECT_SIM_PORT; default 0 (ephemeral). Prints the URL
 * and runs until SIGINT / SIGTERM.
 */
const USAGE = `Usage: pdirect-mpgs-simulator [--port N] [--host H] [--public-url URL] [--state-file FILE] [--log]
  --port         listen port (default: $PDIRECT_SIM_PORT, else an ephemeral port)
  --host         listen address (default 127.0.0.1)
  --public-url   origin used in session.js / hosted field / ACS URLs (default http://host:port)
  --state-file   keep state in this JSON file across restarts
  --log          log requests to stdout
Merchant: TESTPDIRECT, API password: sandbox.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      'state-file': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const portText = values.port ?? process.env.PDIRECT_SIM_PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid port '${portText}'\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const simulator = await startSimulator({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['state-file'] ? { stateFile: values['state-file'] } : {}),
    logger: values.log ?? false,
  });
  console.log(`MPGS simulator listening on ${simulator.url}`);
  console.log(`  REST base: ${simulator.url}/api/rest/version/100/merchant/TESTPDIRECT`);
  console.log(`  session.js: ${simulator.url}/form/version/100/merchant/TESTPDIRECT/session.js`);

  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
