import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { limitCommandsInFlight } from './commands-in-flight.js';

describe('limitCommandsInFlight', () => {
  let server: http.Server;
  let release: () => void = () => undefined;
  let held: Promise<void>;
  const hold = () => (held = new Promise<void>((resolve) => (release = resolve)));
  // What the metrics are told: writes in flight after each change, and refusals.
  let observed: { inFlight: number[]; refused: number };

  beforeEach(async () => {
    hold();
    observed = { inFlight: [], refused: 0 };
    const limit = limitCommandsInFlight(2, { inFlight: (count) => observed.inFlight.push(count), refused: () => (observed.refused += 1) }, { 'X-Content-Type-Options': 'nosniff' });
    server = http.createServer((request, response) =>
      limit(request, response, () => {
        // A write waits until the test releases it, as a command waits for its commit; reads answer at once.
        const answer = () => response.end('done');
        if (request.method === 'GET') answer();
        else void held.then(answer);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    release();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const call = (method: string) => {
    const controller = new AbortController();
    const { port } = server.address() as AddressInfo;
    const answer = fetch(`http://127.0.0.1:${port}/works`, { method, body: method === 'GET' ? undefined : '{}', signal: controller.signal });
    return { answer, abort: () => controller.abort() };
  };

  it('answers a write beyond the limit at once with 503 problem+json and Retry-After, and still serves reads', async () => {
    const first = call('POST');
    const second = call('PATCH');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const refused = await call('POST').answer;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('1');
    // Written straight to the socket, so the answer headers every other answer gets are added here.
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await refused.json()).toMatchObject({ type: '/problems/overloaded', status: 503, instance: '/works' });
    expect((await call('GET').answer).status).toBe(200);

    release();
    expect([(await first.answer).status, (await second.answer).status]).toEqual([200, 200]);
    hold();
    const admitted = call('POST');
    release();
    expect((await admitted.answer).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Reads are not counted; the one refusal is; in flight went 1, 2, back to 0, then 1 and 0 for the last write.
    expect(observed.refused).toBe(1);
    expect(observed.inFlight).toEqual([1, 2, 1, 0, 1, 0]);
  });

  it('frees the place of a write whose client went away', async () => {
    const gone = call('POST');
    const waiting = call('POST');
    await new Promise((resolve) => setTimeout(resolve, 50));
    gone.abort();
    await expect(gone.answer).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const admitted = call('POST');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call('POST').answer).status).toBe(503);
    release();
    expect([(await waiting.answer).status, (await admitted.answer).status]).toEqual([200, 200]);
  });
});
