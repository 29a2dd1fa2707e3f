// Plain ESM JavaScript on purpose: the attacker of test/http-edge.e2e-spec.ts runs as its own process (node runs this
// file as it is, no build), so its sockets and timers cost the test's event loop nothing and the normal client's
// latencies measure the server. Usage, as the test forks it (an IPC channel is required):
//   node test/support/trickling-clients.js <port> <connections>
// Messages from the test: "start" opens the connections and answers {started} once each has connected; "pause" closes
// them, opens no more, and answers {paused, ...figures of the phase} once every one is closed. The process exits when
// the test goes away.
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
if (!Number.isInteger(port) || !Number.isInteger(count) || !process.send) {
  process.stderr.write('usage (forked with IPC): node test/support/trickling-clients.js <port> <connections>\n');
  process.exit(2);
}

/**
 * One of `count` connections that each announce a 100 KB write without a key and send it a byte every half second, as
 * the attack in issue 17 did; a connection the server closes is opened again a second later, so `count` keep trying.
 */
let running = false;
let phase;
let generation = 0;
const sockets = new Set();

function open(first) {
  const openedIn = generation;
  const socket = connect({ port, host: '127.0.0.1' });
  sockets.add(socket);
  let connectedAt;
  let timer;
  let answer = '';
  socket.once('connect', () => {
    connectedAt = performance.now();
    phase.connections += 1;
    if (first && ++phase.firstConnected === count) process.send({ started: count });
    socket.write(`POST /works HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"kind":"`);
    timer = setInterval(() => {
      socket.write('x');
      phase.bytesTrickled += 1;
    }, 500);
  });
  socket.on('data', (chunk) => {
    if (answer.length < 12) answer += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  socket.once('close', () => {
    clearInterval(timer);
    sockets.delete(socket);
    if (connectedAt !== undefined && answer !== '') {
      // Closed by the server: how long it held the connection, and what it answered.
      phase.lifetimesMs.push(performance.now() - connectedAt);
      const status = answer.slice(9, 12);
      phase.statuses[status] = (phase.statuses[status] ?? 0) + 1;
    } else if (running) {
      phase.closedWithoutAnswer += 1;
    }
    if (running) setTimeout(() => running && generation === openedIn && open(false), 1000);
    else if (sockets.size === 0) report();
  });
}

function report() {
  const sorted = phase.lifetimesMs.sort((a, b) => a - b);
  const at = (fraction) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]);
  const seconds = (performance.now() - phase.startedAt) / 1000;
  process.send({
    paused: true,
    connections: phase.connections,
    connectionsPerSecond: phase.connections / seconds,
    statuses: phase.statuses,
    closedWithoutAnswer: phase.closedWithoutAnswer,
    bytesTrickled: phase.bytesTrickled,
    lifetimeMs: { p50: at(0.5), p99: at(0.99), max: at(1) },
  });
}

process.on('message', (message) => {
  if (message === 'start' && !running) {
    running = true;
    generation += 1;
    phase = { startedAt: performance.now(), connections: 0, firstConnected: 0, bytesTrickled: 0, lifetimesMs: [], statuses: {}, closedWithoutAnswer: 0 };
    for (let index = 0; index < count; index++) open(true);
  } else if (message === 'pause' && running) {
    running = false;
    if (sockets.size === 0) report();
    for (const socket of sockets) socket.destroy();
  }
});
process.on('disconnect', () => process.exit(0));
