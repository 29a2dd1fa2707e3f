export default async function globalTeardown() {
  const stops = globalThis.__reelwireTestServices ?? [];
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
}
