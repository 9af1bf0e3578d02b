import pino from 'pino';
import { loadConfig } from '../../config.js';
import { createCardNetwork } from '../../connectors/index.js';
import { cliEnv, note, printResult, setExitCode } from '../output.js';

/**
 * `pdirect network check`: asks the configured card network (live or test credentials,
 * never the sandbox simulator unless it is configured explicitly) for its health and a
 * hosted session, and reports each finding. Exit code 1 when any finding is not ok.
 */
export async function networkCheckCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig(cliEnv());
  const network = createCardNetwork(config, pino({ level: 'silent' }));
  if (!network) {
    note(`no card network is configured for ${config.cardNetwork}: set its credentials (docs/going-live-mastercard.md)`);
    setExitCode(1);
    return;
  }
  if (!network.check) {
    note(`the ${network.name} connector has no check`);
    setExitCode(1);
    return;
  }
  const findings = await network.check();
  const ok = findings.every((f) => f.ok);
  if (options.json) {
    printResult({ network: network.name, ok, findings }, true);
  } else {
    printResult({ network: network.name, ok, ...Object.fromEntries(findings.map((f) => [f.check, `${f.ok ? 'ok' : 'FAILED'}: ${f.detail}`])) }, false);
  }
  if (!ok) setExitCode(1);
}
