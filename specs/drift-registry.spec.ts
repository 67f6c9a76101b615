/**
 * Resolving digests against a real registry on the loopback, through its v2 API and through
 * the engine's distribution endpoint: a pushed base image, the same tag pushed again with a
 * bigger layer, an index, a pin, a deleted tag and a registry that is down. The registry is the
 * shared one lab/registry.sh runs on 127.0.0.1:5000, in a repository of this run's own; the one
 * that goes down is a registry of the spec's own on another port.
 *
 * Needs an engine (to build and push); skipped with the reason when none answers, unless
 * LESSONPROOF_REQUIRE_ENGINE=1, which makes that a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngineResolver } from '../harness/drift/distribution.js'
import { RegistryUnreachableError, TagNotFoundError } from '../harness/drift/errors.js'
import { type Platform, parsePlatform } from '../harness/drift/platform.js'
import { parseReference } from '../harness/drift/reference.js'
import { createRegistryResolver, MEDIA_TYPES } from '../harness/drift/registry.js'
import type { DigestResolver, Resolution } from '../harness/drift/resolver.js'
import { imagesOf } from './support/images.js'
import {
  closedPort,
  deleteManifests,
  engineAndRegistry,
  ownRegistry,
  repositoryFor,
} from './support/registry.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const RUN = `drift-registry-${process.pid}-${Date.now()}`
const images = imagesOf(RUN)
const { build, push } = images

const { docker, shared, unavailable } = await engineAndRegistry()

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

if (!docker || !shared) {
  if (required) {
    it('a Docker engine and a registry answer (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(unavailable)
    })
  } else {
    it.skip(`drift registry specs: ${unavailable}`, () => {})
  }
} else {
  const registry = shared
  const engine = docker
  let repository: string
  let stable: string
  let platform: Platform
  let registryResolver: DigestResolver
  let engineResolver: DigestResolver
  const digests: { first?: string; second?: string } = {}
  /** Every manifest this run put in the shared registry, deleted at the end. */
  const pushed = new Set<string>()

  beforeAll(async () => {
    repository = repositoryFor('drift-registry')
    stable = `${registry.host}/${repository}:stable`
    const info = await engine.info()
    platform = parsePlatform(`${info.OSType}/${info.Architecture}`)
    registryResolver = createRegistryResolver()
    engineResolver = createEngineResolver(engine)
  }, 180_000)

  afterAll(async () => {
    await images.removeAll()
    await deleteManifests(registry.host, repository, [...Object.values(digests), ...pushed])
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
      expect((await images.size(stable)) - (await images.size('debian:bookworm-slim'))).toBeGreaterThan(
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
      const manifest = await fetch(`http://${registry.host}/v2/${repository}/manifests/${digests.second}`, {
        headers: { accept: MEDIA_TYPES.manifestV2 },
      })
      const size = (await manifest.arrayBuffer()).byteLength
      const index = JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [{ mediaType: MEDIA_TYPES.manifestV2, digest: digests.second, size, platform }],
      })
      const put = await fetch(`http://${registry.host}/v2/${repository}/manifests/multi`, {
        method: 'PUT',
        headers: { 'content-type': MEDIA_TYPES.ociIndex },
        body: index,
      })
      expect(put.status).toBe(201)
      const indexDigest = put.headers.get('docker-content-digest')
      if (indexDigest) pushed.add(indexDigest)
      const multi = parseReference(`${registry.host}/${repository}:multi`)
      const result = tagOf(await registryResolver.resolve(multi, { platform }))
      expect(result.digest).toBe(indexDigest)
      expect(result.mediaType).toBe(MEDIA_TYPES.ociIndex)
      expect(result.platform?.digest).toBe(digests.second)
      const viaEngine = tagOf(await engineResolver.resolve(multi, { platform }))
      expect(viaEngine.digest).toBe(indexDigest)
      expect(viaEngine.platforms).toEqual([platform])
    })

    it('says not found once the tag is deleted from the registry', async () => {
      const deleted = await fetch(`http://${registry.host}/v2/${repository}/manifests/${digests.second}`, {
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

    it('says unreachable once the registry it resolved against is stopped', async () => {
      // A registry of this spec's own: the shared one stays up for the specs using it meanwhile.
      const own = await ownRegistry()
      try {
        const ref = `${own.host}/${repository}:stable`
        await images.tag(stable, ref)
        const digest = await push(ref)
        expect(tagOf(await registryResolver.resolve(parseReference(ref))).digest).toBe(digest)
        await own.stop()
        const error = await rejection(registryResolver.resolve(parseReference(ref)))
        expect(error).toBeInstanceOf(RegistryUnreachableError)
        expect((error as RegistryUnreachableError).address).toBe(`http://${own.host}`)
        expect(await rejection(engineResolver.resolve(parseReference(ref)))).toBeInstanceOf(
          RegistryUnreachableError,
        )
      } finally {
        await own.stop()
      }
    }, 60_000)
  })
}
