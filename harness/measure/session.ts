import { randomBytes } from 'node:crypto'
import type { RunFacts } from '../model/index.js'
import type { RunPlan } from '../plan/index.js'
import { EngineOptions, type EngineOptionsInput } from '../settings/index.js'
import { ResultCache } from './cache.js'
import { measureWithWalks } from './walk.js'

/** The run-wide limits of an engine run, from the resolved settings. */
export interface RunLimits {
  concurrency: number
  memoryBytes: number
  cpus: number
}

export interface EngineSession {
  /** Where the engine is, for the log. */
  where: string
  options: EngineOptions
  measure: (plan: RunPlan) => Promise<RunFacts>
  /** Removes everything the session created; returns what could not be removed. */
  close: () => Promise<string[]>
}

/**
 * Opens the engine testcontainers finds (DOCKER_HOST, the socket, or its config). Throws when no
 * engine answers. It reads and writes no environment variable and installs no signal handler:
 * the caller sets testcontainers' variables at its entry (`configureTestcontainers`) and calls
 * `close` on Ctrl-C.
 */
export async function openEngineSession(
  input: Omit<EngineOptionsInput, 'runId'> & { runId?: string },
  limits: RunLimits,
  log: (line: string) => void,
): Promise<EngineSession> {
  const options = EngineOptions.parse({ runId: randomBytes(4).toString('hex'), ...input })
  // Loaded only now: a static run never pays for testcontainers.
  const { DockerEngine, Janitor } = await import('../engine/index.js')
  const janitor = new Janitor()
  const engine = new DockerEngine(janitor, options.runId)
  const where = await engine.describe()
  const cache = new ResultCache(options.cacheDir, log)
  return {
    where,
    options,
    measure: (plan) => measureWithWalks(plan, { engine, janitor, options, cache, log, ...limits }),
    close: () => janitor.clean(),
  }
}
