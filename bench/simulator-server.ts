// The sandbox card network for the checkout benchmarks, in its own process so
// that several gateway processes can share it.
import { startSimulator } from '@pdirect/mpgs-simulator';

const simulator = await startSimulator({ merchants: { TESTPDIRECT: 'sandbox' } });
process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
process.once('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
