import { createProgress } from './progress.js';

function recorder(tty: boolean) {
  let out = '';
  let clock = 0;
  const stream = { write: (text: string) => ((out += text), true), isTTY: tty, columns: 120 } as unknown as NodeJS.WritableStream;
  return { stream, now: () => clock, advance: (ms: number) => (clock += ms), output: () => out };
}

describe('progress', () => {
  it('plain lines: the bar as the walk ended, then each stage with the time it took', () => {
    const r = recorder(false);
    const progress = createProgress({ label: 'replay', total: 100, stream: r.stream, tty: false, now: r.now });
    r.advance(1000);
    progress.update(100, 100);
    progress.stage('building the secondary indexes');
    r.advance(2500);
    progress.stage('swapping in');
    r.advance(500);
    progress.finish('done');
    const lines = r.output().trim().split('\n');
    expect(lines.at(-6)).toMatch(/^replay: 100\/100 events \(100\.0%\), 100 events\/s, ETA 0s$/);
    expect(lines.slice(-5)).toEqual([
      'replay: building the secondary indexes…',
      'replay: building the secondary indexes took 2.5 s',
      'replay: swapping in…',
      'replay: swapping in took 0.5 s',
      'done',
    ]);
  });

  it('on a terminal, a stage stays on its own line under the bar and shows its time', () => {
    const r = recorder(true);
    const progress = createProgress({ label: 'replay', total: 10, stream: r.stream, tty: true, now: r.now });
    progress.update(10, 10);
    progress.stage('writing');
    r.advance(1200);
    progress.finish();
    const output = r.output();
    expect(output).toContain('100.0% 10/10');
    expect(output).toMatch(/\n\rreplay: writing … 0\.0 s/);
    expect(output.endsWith('\rreplay: writing (1.2 s)\u001b[K\n')).toBe(true);
  });
});
