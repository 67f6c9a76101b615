/**
 * What the CLI asks of the Docker engine and its configuration outside a build: the engine's
 * client (for `docker info`, pulls and its distribution endpoint) and the logins `docker login`
 * stored, for the registry resolver. Read here, at the entry, and passed down.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import type { Credentials } from '../drift/index.js'

/** The engine testcontainers finds (DOCKER_HOST, the socket, or its config). */
export async function dockerClient(env: NodeJS.ProcessEnv): Promise<Dockerode> {
  const { configureTestcontainers } = await import('../engine/settings.js')
  configureTestcontainers(env)
  const { getContainerRuntimeClient } = await import('testcontainers')
  return (await getContainerRuntimeClient()).container.dockerode
}

/** Docker Hub's key in `auths`, and the other names it is known by. */
const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']

/**
 * The logins of the Docker config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`):
 * those stored in the file itself. Logins kept by a credential helper are not read; resolve
 * through the engine (`--via engine`), which asks the helper, for those.
 */
export async function dockerLogins(
  env: Record<string, string | undefined>,
): Promise<(registry: string) => Credentials | undefined> {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker')
  let auths: Record<string, { auth?: string; username?: string; password?: string }> = {}
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { auths?: typeof auths }
    auths = config.auths ?? {}
  } catch {
    return () => undefined
  }
  const byHost = new Map<string, Credentials>()
  for (const [key, entry] of Object.entries(auths)) {
    let credentials: Credentials | undefined
    if (entry.username && entry.password) credentials = { username: entry.username, password: entry.password }
    else if (entry.auth) {
      const plain = Buffer.from(entry.auth, 'base64').toString('utf8')
      const at = plain.indexOf(':')
      if (at > 0) credentials = { username: plain.slice(0, at), password: plain.slice(at + 1) }
    }
    if (!credentials) continue
    const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '')
    byHost.set(HUB_KEYS.includes(key) || HUB_KEYS.includes(host) ? 'docker.io' : host, credentials)
  }
  return (registry) => byHost.get(registry)
}
