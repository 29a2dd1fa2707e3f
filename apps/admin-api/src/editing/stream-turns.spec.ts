import { StreamTurns } from './stream-turns.js';

/** A command's work that records when it starts and ends and finishes when told to. */
function controlled(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: async () => {
      log.push(`${name} starts`);
      try {
        await done;
      } finally {
        log.push(`${name} ends`);
      }
      return name;
    },
    finish: () => finish(),
    fail: (error: Error) => fail(error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamTurns', () => {
  it('runs commands on one stream one after another, in the order they arrived', async () => {
    const turns = new StreamTurns();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => controlled(log, name));
    const results = [turns.run(['work-1'], a!.work), turns.run(['work-1'], b!.work), turns.run(['work-1'], c!.work)];
    await settle();
    expect(log).toEqual(['a starts']);
    a!.finish();
    await settle();
    expect(log).toEqual(['a starts', 'a ends', 'b starts']);
    b!.finish();
    await settle();
    c!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
    expect(turns.size).toBe(0);
  });

  it('runs commands on different streams side by side', async () => {
    const turns = new StreamTurns();
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((name) => controlled(log, name));
    const results = [turns.run(['work-1'], a!.work), turns.run(['work-2'], b!.work)];
    await settle();
    expect(log).toEqual(['a starts', 'b starts']);
    b!.finish();
    a!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b']);
  });

  it('a command on two streams waits for the earlier command on either, and later ones wait for it', async () => {
    const turns = new StreamTurns();
    const log: string[] = [];
    const [one, two, move, after] = ['one', 'two', 'move', 'after'].map((name) => controlled(log, name));
    const results = [
      turns.run(['work-1'], one!.work),
      turns.run(['work-2'], two!.work),
      turns.run(['work-2', 'work-1'], move!.work),
      turns.run(['work-1'], after!.work),
    ];
    await settle();
    expect(log).toEqual(['one starts', 'two starts']);
    one!.finish();
    await settle();
    expect(log).not.toContain('move starts');
    two!.finish();
    await settle();
    expect(log.slice(-1)).toEqual(['move starts']);
    move!.finish();
    await settle();
    expect(log.slice(-2)).toEqual(['move ends', 'after starts']);
    after!.finish();
    await Promise.all(results);
    expect(turns.size).toBe(0);
  });

  it('a command that fails gives its turn to the next one and its error to its caller', async () => {
    const turns = new StreamTurns();
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((name) => controlled(log, name));
    const first = turns.run(['work-1'], a!.work);
    const second = turns.run(['work-1'], b!.work);
    await settle();
    a!.fail(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    await settle();
    expect(log).toEqual(['a starts', 'a ends', 'b starts']);
    b!.finish();
    expect(await second).toBe('b');
    expect(turns.size).toBe(0);
  });
});
