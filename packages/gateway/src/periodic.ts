import type { Logger } from 'pino';

/**
 * Runs `task` every `intervalMs` (never overlapping itself) until stopped.
 * Used for the background sweeps: expiring sessions, reconciling payments
 * whose outcome is unknown. A failure is logged and retried next round.
 */
export function startPeriodic(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
  options: { immediately?: boolean } = {},
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const round = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await task();
      } catch (err) {
        logger.error({ err, task: name }, 'background task failed; will retry');
      }
    });
  };
  const timer = setInterval(round, intervalMs);
  timer.unref();
  if (options.immediately) round();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
