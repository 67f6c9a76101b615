/** The build logs recorded under fixtures/ (see fixtures/README.md), for the tests. */

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const DIR = fileURLToPath(new URL('./fixtures/', import.meta.url))

/** A recorded file, by its path under fixtures/. @example recorded('parallel/plain.log') */
export function recorded(path: string): string {
  return readFileSync(`${DIR}${path}`, 'utf8')
}

/** The Dockerfile a scenario was built from. */
export function recordedDockerfile(scenario: string): string {
  return recorded(`${scenario}/context/Dockerfile`)
}

/** Successful BuildKit builds, with the `--target` each was built with. */
export const SUCCESSFUL_BUILDKIT_LOGS: { log: string; target?: string }[] = [
  { log: 'single-stage/plain.log' },
  { log: 'single-stage/plain-cached.log' },
  { log: 'single-stage/tty.log' },
  { log: 'single-stage/tty-cached.log' },
  { log: 'multi-stage/plain.log' },
  { log: 'multi-stage/plain-cached.log' },
  { log: 'multi-stage/tty.log' },
  { log: 'multi-stage/tty-cached.log' },
  { log: 'multi-stage/plain-target-tester.log', target: 'tester' },
  { log: 'multi-stage/tty-target-tester.log', target: 'tester' },
  { log: 'parallel/plain.log' },
  { log: 'parallel/plain-cached.log' },
  { log: 'parallel/tty.log' },
  { log: 'parallel/tty-cached.log' },
  { log: 'run-mount/plain.log' },
  { log: 'bind-mount/plain.log' },
  { log: 'copy-from-image/plain.log' },
  { log: 'copy-from-image/tty.log' },
  { log: 'two-stage-target/plain.log' },
  { log: 'two-stage-target/plain-target-second.log', target: 'second' },
  { log: 'implicit-latest/plain.log' },
  { log: 'variables/plain.log' },
]

/** The same build recorded twice, as plain progress and as the terminal screen. */
export const PLAIN_AND_TTY: [string, string][] = [
  ['single-stage/plain.log', 'single-stage/tty.log'],
  ['single-stage/plain-cached.log', 'single-stage/tty-cached.log'],
  ['multi-stage/plain.log', 'multi-stage/tty.log'],
  ['multi-stage/plain-cached.log', 'multi-stage/tty-cached.log'],
  ['multi-stage/plain-target-tester.log', 'multi-stage/tty-target-tester.log'],
  ['parallel/plain.log', 'parallel/tty.log'],
  ['parallel/plain-cached.log', 'parallel/tty-cached.log'],
  ['copy-from-image/plain.log', 'copy-from-image/tty.log'],
  ['onbuild/plain.log', 'onbuild/tty.log'],
]
