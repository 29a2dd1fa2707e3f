import { spawnSync } from 'node:child_process';

/** True when `command` is on PATH (kcat, docker-compose: Debian packages that CI installs). */
export function toolAvailable(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` for tests that need a tool from Debian's packages. On CI (CI=true, where .ci/run installs the tool) a
 * missing tool is a failure; on a developer's machine with only Node the block is skipped and says what to install.
 */
export function describeWithTool(command: string, installHint: string, name: string, body: () => void): void {
  if (toolAvailable(command)) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it(`needs ${command} on PATH`, () => {
        throw new Error(`${command} is not installed; CI must install it (${installHint})`);
      });
    });
  } else {
    // Skipped with a reason: this machine lacks the tool; `npm test` on a Node-only machine must still pass.
    console.warn(`skipping "${name}": ${command} is not installed (${installHint})`);
    describe.skip(`${name} [skipped: ${command} not installed — ${installHint}]`, body);
  }
}
