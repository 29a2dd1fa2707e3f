/**
 * Polls `check` until it returns a truthy value (which is returned) or the timeout passes; tests wait for
 * conditions, never for fixed amounts of time.
 */
export async function waitFor<T>(check: () => T | Promise<T>, description: string, timeoutMs = 60_000, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
