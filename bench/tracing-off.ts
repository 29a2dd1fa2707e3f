import { inSpan, traceCarrierOf } from '../libs/telemetry/src/trace-context.js';

/**
 * What the hand-written spans cost when tracing is off (no OTEL_EXPORTER_OTLP_ENDPOINT, so no SDK): `node
 * dist/bench/tracing-off.js`. A write request makes two spans (decide, append) and reads the trace context once.
 */
const N = 1_000_000;
const perCall = async (work: (i: number) => unknown) => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await work(i);
  return Number(process.hrtime.bigint() - started) / N;
};
for (let round = 1; round <= 3; round++) {
  const span = await perCall((i) => inSpan('decide', { attributes: { 'reelwire.command': 'RegisterWork', 'reelwire.stream_version': i } }, () => i));
  const await_ = await perCall((i) => Promise.resolve(i));
  const carrier = await perCall(() => traceCarrierOf());
  process.stdout.write(`round ${round}: inSpan ${span.toFixed(0)} ns/call (an await of a resolved promise: ${await_.toFixed(0)} ns); traceCarrierOf ${carrier.toFixed(0)} ns/call\n`);
}
