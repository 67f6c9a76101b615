/**
 * Registries for the drift specs, all through lab/registry.sh (one registry manager):
 *
 * - `sharedRegistry()`: the one on 127.0.0.1:5000 (LESSONPROOF_REGISTRY_ADDR), started when none
 *   answers and left running: other specs, and other runs on this machine, use it at the same
 *   time. `.ci/run` stops it when the run ends if it started it; so does `bash lab/registry.sh stop`.
 *   Specs push only to repositories of their own (`repositoryFor`) and delete what they pushed.
 * - `ownRegistry()`: one on a free loopback port with a state directory of its own, which the spec
 *   may stop (a registry that is down) and which `stop()` removes with its storage.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { execa } from 'execa'
import { configureTestcontainers } from '../../harness/engine/settings.js'
import { dockerCliUnavailable } from './images.js'

export interface LabRegistry {
  /** `127.0.0.1:5000`: the registry part of the references pushed to it. */
  host: string
  /** Whether it was started for this spec (none answered before). */
  started: boolean
  /** Stops it, when it is the spec's own; the shared one is left running. */
  stop(): Promise<void>
}

const SCRIPT = 'lab/registry.sh'

async function labRegistry(command: 'start' | 'stop' | 'status', env: Record<string, string> = {}) {
  return execa('bash', [SCRIPT, command], { env, reject: false, all: true })
}

/** The shared registry, started by lab/registry.sh when none answers. */
export async function sharedRegistry(): Promise<LabRegistry> {
  const host = process.env.LESSONPROOF_REGISTRY_ADDR ?? '127.0.0.1:5000'
  const up = (await labRegistry('status')).exitCode === 0
  if (!up) {
    const started = await labRegistry('start')
    if (started.exitCode !== 0) throw new Error(`bash ${SCRIPT} start failed:\n${started.all}`)
  }
  return { host, started: !up, stop: async () => {} }
}

/** A registry of the spec's own, on a free loopback port. */
export async function ownRegistry(): Promise<LabRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'lessonproof-registry-'))
  const host = `127.0.0.1:${await closedPort()}`
  // The script's state directory must be one it makes (it marks it as its own, and removes it on stop).
  const env = { LESSONPROOF_REGISTRY_ADDR: host, LESSONPROOF_REGISTRY_DIR: join(dir, 'state') }
  const started = await labRegistry('start', env)
  if (started.exitCode !== 0) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`bash ${SCRIPT} start on ${host} failed:\n${started.all}`)
  }
  let stopped = false
  return {
    host,
    started: true,
    stop: async () => {
      if (stopped) return
      stopped = true
      const result = await labRegistry('stop', env)
      await rm(dir, { recursive: true, force: true })
      if (result.exitCode !== 0) throw new Error(`bash ${SCRIPT} stop on ${host} failed:\n${result.all}`)
    },
  }
}

/** A repository name no other run uses: `<prefix>-<pid>-<time>/base`. */
export function repositoryFor(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}/base`
}

/** Deletes manifests a spec pushed (by digest: every tag on them goes too). */
export async function deleteManifests(
  host: string,
  repository: string,
  digests: Iterable<string>,
): Promise<void> {
  for (const digest of new Set(digests)) {
    await fetch(`http://${host}/v2/${repository}/manifests/${digest}`, { method: 'DELETE' })
      .then((res) => res.body?.cancel())
      .catch(() => undefined)
  }
}

/** A loopback port nothing listens on: a registry that is down. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/**
 * What the drift specs need: the engine's API client (with a docker CLI that can push), and the
 * shared registry. Without either, `unavailable` says which is missing and why.
 */
export async function engineAndRegistry(): Promise<{
  docker?: Dockerode
  shared?: LabRegistry
  unavailable: string
}> {
  configureTestcontainers(process.env)
  let docker: Dockerode
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    docker = (await getContainerRuntimeClient()).container.dockerode
  } catch (error) {
    return { unavailable: `no Docker engine answers (${(error as Error).message.split('\n')[0]})` }
  }
  const cli = await dockerCliUnavailable()
  if (cli) return { unavailable: `no Docker engine answers (${cli})` }
  // Without a registry there is nothing to push to.
  try {
    return { docker, shared: await sharedRegistry(), unavailable: '' }
  } catch (error) {
    const why = (error as Error).message.split('\n').filter(Boolean).join(' ').slice(0, 300)
    return { docker, unavailable: `no registry: ${why}` }
  }
}
