import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningChild {
  process: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects after `timeoutMs` with the output so far. */
  waitFor(pattern: RegExp, timeoutMs?: number, options?: { evenAfterExit?: boolean }): Promise<RegExpMatchArray>;
  /** Sends a signal to the whole process group (as Ctrl-C in a terminal does) without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Sends a signal to the whole process group and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts a command in its own process group (npm → sh → node), so stopping it stops everything it started. */
export function startChild(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): RunningChild {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    process: child,
    output: () => output,
    signal(signal) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    },
    // evenAfterExit: keep reading after the top process (npm) exits, for the processes it left writing to the pipe.
    waitFor(pattern, timeoutMs = 60_000, options = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited while waiting for ${pattern}; output:\n${output}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        if (!options.evenAfterExit) child.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGINT', timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return child.exitCode;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
