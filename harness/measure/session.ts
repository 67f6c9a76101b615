import { randomBytes } from 'node:crypto'
import type { Measurements } from '../checks/index.js'
import { configureTestcontainers } from '../engine/settings.js'
import type { Claim, Document } from '../model/index.js'
import { EngineSettings } from '../plan/index.js'

export interface EngineSession {
  /** Where the engine is, for the log. */
  where: string
  settings: EngineSettings
  measure: (entries: { doc: Document; claims: Claim[] }[]) => Promise<Measurements>
  /** Removes everything the session created; returns what could not be removed. */
  close: () => Promise<string[]>
}

/**
 * Opens the engine testcontainers finds, with settings parsed once here. Throws when no engine
 * answers. Cleans up on Ctrl-C/SIGTERM until closed.
 */
export async function openEngineSession(
  raw: Record<string, unknown>,
  log: (line: string) => void,
): Promise<EngineSession> {
  const settings = EngineSettings.parse({ runId: randomBytes(4).toString('hex'), ...raw })
  configureTestcontainers(process.env)
  // Loaded only now: testcontainers reads the environment configured just above.
  const { DockerEngine, Janitor } = await import('../engine/index.js')
  const { measureAll } = await import('./index.js')
  const janitor = new Janitor()
  const engine = new DockerEngine(janitor)
  const where = await engine.describe()
  const release = janitor.onSignals()
  return {
    where,
    settings,
    measure: (entries) => measureAll(entries, { engine, janitor, settings, log }),
    close: async () => {
      const left = await janitor.clean()
      release()
      return left
    },
  }
}
