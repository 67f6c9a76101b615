/**
 * Resolving digests against a real registry on the loopback, through its v2 API and through
 * the engine's distribution endpoint: a pushed base image, the same tag pushed again with a
 * bigger layer, an index, a pin, a deleted tag and a registry that is down.
 *
 * Needs an engine (to build and push); skipped with the reason when none answers, unless
 * LESSONPROOF_REQUIRE_ENGINE=1, which makes that a failure.
 */
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngineResolver, type DistributionClient } from '../harness/drift/distribution.js'
import { RegistryUnreachableError, TagNotFoundError } from '../harness/drift/errors.js'
import { type Platform, parsePlatform } from '../harness/drift/platform.js'
import { parseReference } from '../harness/drift/reference.js'
import { createRegistryResolver, MEDIA_TYPES } from '../harness/drift/registry.js'
import type { DigestResolver, Resolution } from '../harness/drift/resolver.js'
import { configureTestcontainers } from '../harness/engine/settings.js'
import { closedPort, ensureRegistry, type LabRegistry } from './support/registry.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const RUN = `drift-registry-${process.pid}-${Date.now()}`
const LABEL = `org.lessonproof.run=${RUN}`

configureTestcontainers(process.env)
let docker: (DistributionClient & { info(): Promise<{ OSType: string; Architecture: string }> }) | undefined
let unavailable = ''
try {
  const { getContainerRuntimeClient } = await import('testcontainers')
  docker = (await getContainerRuntimeClient()).container.dockerode
} catch (error) {
  unavailable = (error as Error).message.split('\n')[0] ?? 'no engine'
}

/** Builds a labelled image from a Dockerfile given as text, with the engine's classic builder. */
async function build(tag: string, dockerfile: string): Promise<void> {
  // `-` as the context: the Dockerfile from stdin, and no context at all.
  await execa('docker', ['build', '-q', '--label', LABEL, '-t', tag, '-'], {
    input: dockerfile,
    env: { DOCKER_BUILDKIT: '0' },
  })
}

/** Pushes and returns the digest `docker push` printed. */
async function push(tag: string): Promise<string> {
  const { stdout } = await execa('docker', ['push', tag])
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(stdout)?.[1]
  if (!digest) throw new Error(`docker push printed no digest:\n${stdout}`)
  return digest
}

async function imageSize(tag: string): Promise<number> {
  const { stdout } = await execa('docker', ['image', 'inspect', '--format', '{{.Size}}', tag])
  return Number(stdout.trim())
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

function tagOf(result: Resolution) {
  if (result.kind !== 'tag') throw new Error(`expected a tag resolution, got ${JSON.stringify(result)}`)
  return result
}

if (!docker) {
  if (required) {
    it('a Docker engine answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no Docker engine answers: ${unavailable}`)
    })
  } else {
    it.skip(`drift registry specs: no Docker engine answers (${unavailable})`, () => {})
  }
} else {
  const engine = docker
  let registry: LabRegistry
  let stable: string
  let platform: Platform
  let registryResolver: DigestResolver
  let engineResolver: DigestResolver
  const digests: { first?: string; second?: string } = {}

  beforeAll(async () => {
    registry = await ensureRegistry()
    stable = `${registry.host}/lab/base:stable`
    const info = await engine.info()
    platform = parsePlatform(`${info.OSType}/${info.Architecture}`)
    registryResolver = createRegistryResolver()
    engineResolver = createEngineResolver(engine)
  }, 180_000)

  afterAll(async () => {
    const { stdout } = await execa('docker', ['images', '-qa', '--filter', `label=${LABEL}`], {
      reject: false,
    })
    const ids = [...new Set(stdout.split('\n').filter(Boolean))]
    if (ids.length > 0) await execa('docker', ['rmi', '-f', ...ids], { reject: false })
    await registry?.stop()
  }, 60_000)

  describe.sequential('a base image pushed to a local registry', () => {
    it('resolves the pushed tag to the digest docker push printed, without pulling', async () => {
      await build(stable, 'FROM debian:bookworm-slim\nRUN echo first > /etc/lab-base\n')
      digests.first = await push(stable)
      const result = tagOf(await registryResolver.resolve(parseReference(stable), { platform }))
      expect(result.digest).toBe(digests.first)
      expect(result.mediaType).toBe(MEDIA_TYPES.manifestV2)
      expect(result.platform).toEqual({ ...platform, digest: digests.first })
      const viaEngine = tagOf(await engineResolver.resolve(parseReference(stable), { platform }))
      expect(viaEngine.digest).toBe(digests.first)
      expect(viaEngine.via).toBe('engine')
    }, 120_000)

    it('sees the new digest once a bigger image is pushed under the same tag', async () => {
      await build(
        stable,
        `FROM debian:bookworm-slim\nRUN echo second > /etc/lab-base && head -c 40000000 /dev/urandom > /opt/filler\n`,
      )
      digests.second = await push(stable)
      const result = tagOf(await registryResolver.resolve(parseReference(stable)))
      expect(result.digest).toBe(digests.second)
      expect(result.digest).not.toBe(digests.first)
      expect(tagOf(await engineResolver.resolve(parseReference(stable))).digest).toBe(digests.second)
      // The changed image is the base plus a layer tens of MB bigger.
      expect((await imageSize(stable)) - (await imageSize('debian:bookworm-slim'))).toBeGreaterThan(
        39_000_000,
      )
    }, 120_000)

    it('reports a pin on the first digest as pinned, and that its tag moved', async () => {
      const result = await registryResolver.resolve(parseReference(`${stable}@${digests.first}`), {
        platform,
      })
      expect(result.kind).toBe('pinned')
      if (result.kind !== 'pinned') return
      expect(result.digest).toBe(digests.first)
      expect(result.tag?.moved).toBe(true)
      expect(result.tag?.current?.digest).toBe(digests.second)
      const viaEngine = await engineResolver.resolve(parseReference(`${stable}@${digests.second}`))
      expect(viaEngine.kind === 'pinned' && viaEngine.tag?.moved).toBe(false)
    })

    it('finds the platform manifest in an index the registry serves', async () => {
      const manifest = await fetch(`http://${registry.host}/v2/lab/base/manifests/${digests.second}`, {
        headers: { accept: MEDIA_TYPES.manifestV2 },
      })
      const size = (await manifest.arrayBuffer()).byteLength
      const index = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [{ mediaType: MEDIA_TYPES.manifestV2, digest: digests.second, size, platform }],
      })
      const put = await fetch(`http://${registry.host}/v2/lab/base/manifests/multi`, {
        method: 'PUT',
        headers: { 'content-type': MEDIA_TYPES.ociIndex },
        body: index,
      })
      expect(put.status).toBe(201)
      const indexDigest = put.headers.get('docker-content-digest')
      const multi = parseReference(`${registry.host}/lab/base:multi`)
      const result = tagOf(await registryResolver.resolve(multi, { platform }))
      expect(result.digest).toBe(indexDigest)
      expect(result.mediaType).toBe(MEDIA_TYPES.ociIndex)
      expect(result.platform?.digest).toBe(digests.second)
      const viaEngine = tagOf(await engineResolver.resolve(multi, { platform }))
      expect(viaEngine.digest).toBe(indexDigest)
      expect(viaEngine.platforms).toEqual([platform])
    })

    it('says not found once the tag is deleted from the registry', async () => {
      const deleted = await fetch(`http://${registry.host}/v2/lab/base/manifests/${digests.second}`, {
        method: 'DELETE',
      })
      expect(deleted.status).toBe(202)
      const error = await rejection(registryResolver.resolve(parseReference(stable)))
      expect(error).toBeInstanceOf(TagNotFoundError)
      expect(error.message).toContain(`${stable}: not found at http://${registry.host}`)
      expect(await rejection(engineResolver.resolve(parseReference(stable)))).toBeInstanceOf(TagNotFoundError)
    })

    it('says unreachable, with the address, when the registry is down', async () => {
      const port = await closedPort()
      const down = parseReference(`127.0.0.1:${port}/lab/base:stable`)
      const error = await rejection(registryResolver.resolve(down))
      expect(error).toBeInstanceOf(RegistryUnreachableError)
      expect(error.message).toBe(
        `127.0.0.1:${port}/lab/base:stable: registry unreachable at http://127.0.0.1:${port}: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})`,
      )
      const viaEngine = await rejection(engineResolver.resolve(down))
      expect(viaEngine).toBeInstanceOf(RegistryUnreachableError)
      expect((viaEngine as RegistryUnreachableError).address).toBe(`http://127.0.0.1:${port}`)
    })

    it('says unreachable once the registry it resolved against is stopped', async (context) => {
      if (!registry.started) context.skip(`the registry on ${registry.host} was not started by this spec`)
      await registry.stop()
      const error = await rejection(registryResolver.resolve(parseReference(stable)))
      expect(error).toBeInstanceOf(RegistryUnreachableError)
      expect((error as RegistryUnreachableError).address).toBe(`http://${registry.host}`)
      expect(await rejection(engineResolver.resolve(parseReference(stable)))).toBeInstanceOf(
        RegistryUnreachableError,
      )
    })
  })
}
