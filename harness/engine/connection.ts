/**
 * Which engine a run talks to, decided once from the environment the command line hands over:
 * `DOCKER_HOST` when it is set, and then strictly (an engine that does not answer there is an
 * error, never a reason to try the local socket), else the docker CLI's current context, else the
 * local socket. The API client and the docker CLI that builds are both pointed at the result, so
 * they cannot talk to two different engines.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { EngineError } from '../errors.js'

/** The environment as given; read here, never from process.env. */
export type EngineEnv = Record<string, string | undefined>

export const DEFAULT_SOCKET = '/var/run/docker.sock'

/** Where the engine is. */
export interface EngineAddress {
  /** As a `DOCKER_HOST` value. @example "unix:///var/run/docker.sock" */
  host: string
  /** Where the address came from, for the run's header. */
  source: 'DOCKER_HOST' | 'docker context' | 'default socket'
}

/** `DOCKER_HOST` as dockerode's options; throws a usage-level error for a value it cannot use. */
export function dockerodeOptions(address: EngineAddress, env: EngineEnv): Dockerode.DockerOptions {
  const host = address.host
  // Every field given, so docker-modem's own reading of process.env cannot add any.
  const none = { host: undefined, port: undefined, socketPath: undefined, protocol: undefined }
  if (host.startsWith('unix://')) return { ...none, socketPath: host.slice('unix://'.length) }
  if (host.startsWith('npipe://')) return { ...none, socketPath: host.slice('npipe://'.length) }
  let url: URL
  try {
    url = new URL(host)
  } catch {
    throw new EngineError(
      `DOCKER_HOST=${host} is not an address (unix://PATH, tcp://HOST:PORT, ssh://USER@HOST)`,
    )
  }
  if (url.protocol === 'ssh:')
    return {
      ...none,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port || 22,
      username: decodeURIComponent(url.username),
      sshOptions: env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {},
    }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EngineError(`DOCKER_HOST=${host}: lessonproof speaks unix://, tcp:// and ssh:// only`)
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.protocol === 'https:' || url.port === '2376'
  const options: Dockerode.DockerOptions = {
    ...none,
    protocol: tls ? 'https' : 'http',
    host: url.hostname,
    port: url.port || (tls ? 2376 : 2375),
  }
  const certs = env.DOCKER_CERT_PATH
  if (tls && certs) {
    try {
      options.ca = readFileSync(join(certs, 'ca.pem'))
      options.cert = readFileSync(join(certs, 'cert.pem'))
      options.key = readFileSync(join(certs, 'key.pem'))
    } catch (cause) {
      throw new EngineError(`DOCKER_CERT_PATH=${certs}: cannot read ca.pem, cert.pem and key.pem`, { cause })
    }
  }
  return options
}

/**
 * The engine's address: `DOCKER_HOST`, else the endpoint of the docker CLI's current context
 * (asked through `askContext` only when a context other than the default is selected), else the
 * local socket.
 */
export async function engineAddress(
  env: EngineEnv,
  askContext: () => Promise<string | undefined>,
): Promise<EngineAddress> {
  const given = env.DOCKER_HOST?.trim()
  if (given) return { host: given, source: 'DOCKER_HOST' }
  if (currentContext(env) !== 'default') {
    const host = (await askContext())?.trim()
    if (host) return { host, source: 'docker context' }
  }
  return { host: `unix://${DEFAULT_SOCKET}`, source: 'default socket' }
}

/** The docker CLI's selected context: `DOCKER_CONTEXT`, else the config file's `currentContext`. */
export function currentContext(env: EngineEnv): string {
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT
  const dir = env.DOCKER_CONFIG ?? (env.HOME ? join(env.HOME, '.docker') : undefined)
  if (!dir) return 'default'
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { currentContext?: unknown }
    return typeof config.currentContext === 'string' && config.currentContext
      ? config.currentContext
      : 'default'
  } catch {
    return 'default'
  }
}

/** Whether an error says the engine is gone (refused, reset, no socket, timed out), not that a request was wrong. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? ''
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)
  )
    return true
  const message = String((error as Error | undefined)?.message ?? '')
  return /socket hang up|connect E|Timeout of \d+ ?ms exceeded|ECONNRESET|EPIPE|request timed out/i.test(
    message,
  )
}
