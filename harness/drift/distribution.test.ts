/**
 * The engine resolver against a fake client that answers what dockerd 20.10 answered here
 * (recorded 2026-11-26 against Debian's docker-registry 2.8.2 on the loopback; dockerode's errors
 * carry the status and the engine's JSON).
 */
import { describe, expect, it } from 'vitest'
import { createEngineResolver, type DistributionClient, type DistributionInfo } from './distribution.js'
import {
  PlatformNotFoundError,
  RegistryError,
  RegistryUnreachableError,
  TagNotFoundError,
  UnauthorizedError,
} from './errors.js'
import { parsePlatform } from './platform.js'
import { parseReference } from './reference.js'

const DIGEST = 'sha256:7c976732ea2a61c8f08ecd19de0a0f9b345a9096a694f15efcc24254fad5d1f9'
const single: DistributionInfo = {
  Descriptor: {
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    digest: DIGEST,
    size: 736,
  },
  Platforms: [{ architecture: 'amd64', os: 'linux' }],
}
const INDEX = `sha256:${'9'.repeat(64)}`
const multi: DistributionInfo = {
  Descriptor: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: INDEX, size: 1609 },
  Platforms: [
    { architecture: 'amd64', os: 'linux' },
    { architecture: 'arm64', os: 'linux', variant: 'v8' },
    { architecture: 'unknown', os: 'unknown' },
  ],
}

/** dockerode's error for a non-2xx answer: `(HTTP code N) … - message`, with statusCode and json. */
function engineAnswer(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
    statusCode,
    json: { message },
  })
}

function fakeClient(answer: (name: string) => DistributionInfo | Error) {
  const asked: { name: string; options: unknown }[] = []
  const client: DistributionClient = {
    getImage: (name) => ({
      distribution: async (options) => {
        asked.push({ name, options })
        const result = answer(name)
        if (result instanceof Error) throw result
        return result
      },
    }),
  }
  return { client, asked }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('the engine distribution endpoint', () => {
  it("resolves a tag to the engine's descriptor", async () => {
    const { client, asked } = fakeClient(() => single)
    const result = await createEngineResolver(client).resolve(
      parseReference('registry.example/lab/base:stable'),
      {
        platform: parsePlatform('linux/amd64'),
      },
    )
    expect(result).toEqual({
      kind: 'tag',
      reference: 'registry.example/lab/base:stable',
      digest: DIGEST,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      platforms: [{ os: 'linux', architecture: 'amd64' }],
      platform: { os: 'linux', architecture: 'amd64', digest: DIGEST },
      via: 'engine',
    })
    expect(asked).toEqual([{ name: 'registry.example/lab/base:stable', options: undefined }])
  })

  it('lists an index’s platforms without per-platform digests, and skips attestations', async () => {
    const { client } = fakeClient(() => multi)
    const result = await createEngineResolver(client).resolve(parseReference('python:3.12-slim'), {
      platform: parsePlatform('linux/arm64'),
    })
    expect(result.kind === 'tag' && result.platform).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    })
    expect(result.kind === 'tag' && result.platforms).toHaveLength(2)
    const missing = await rejection(
      createEngineResolver(client).resolve(parseReference('python:3.12-slim'), {
        platform: parsePlatform('linux/ppc64le'),
      }),
    )
    expect(missing).toBeInstanceOf(PlatformNotFoundError)
  })

  it('passes a login as the auth config, for that registry only', async () => {
    const { client, asked } = fakeClient(() => single)
    const resolver = createEngineResolver(client, {
      credentials: (registry) => (registry === 'ghcr.io' ? { username: 'ann', password: 's3' } : undefined),
    })
    await resolver.resolve(parseReference('ghcr.io/x/y:1'))
    await resolver.resolve(parseReference('registry.example/x/y:1'))
    expect(asked.map((a) => a.options)).toEqual([
      { authconfig: { username: 'ann', password: 's3', serveraddress: 'ghcr.io' } },
      undefined,
    ])
  })

  it.each([
    [
      404,
      'manifest unknown: manifest unknown',
      TagNotFoundError,
      'https://registry.example (via the engine)',
    ],
    [
      401,
      'unauthorized: authentication required',
      UnauthorizedError,
      'https://registry.example (via the engine)',
    ],
    [
      500,
      'Get "http://localhost:5999/v2/": dial tcp [::1]:5999: connect: connection refused',
      RegistryUnreachableError,
      'http://localhost:5999',
    ],
    [
      500,
      'received unexpected HTTP status: 502 Bad Gateway',
      RegistryError,
      'https://registry.example (via the engine)',
    ],
  ])('maps the engine’s %i "%s" to a typed error', async (status, message, type, address) => {
    const { client } = fakeClient(() => engineAnswer(status, message))
    const error = await rejection(
      createEngineResolver(client).resolve(parseReference('registry.example/lab/base:stable')),
    )
    expect(error).toBeInstanceOf(type)
    expect((error as unknown as { address: string }).address).toBe(address)
    expect(error.message).toContain(message)
  })

  it('says when the engine itself does not answer', async () => {
    const { client } = fakeClient(() =>
      Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }),
    )
    const error = await rejection(
      createEngineResolver(client, { engine: 'unix:///var/run/docker.sock' }).resolve(
        parseReference('registry.example/lab/base:stable'),
      ),
    )
    expect(error).toBeInstanceOf(RegistryError)
    expect(error.message).toBe(
      'registry.example/lab/base:stable: unix:///var/run/docker.sock: unix:///var/run/docker.sock did not answer: connect ENOENT /var/run/docker.sock',
    )
  })

  it('reports a pin and where its tag points', async () => {
    const { client } = fakeClient(() => single)
    const result = await createEngineResolver(client).resolve(
      parseReference(`registry.example/lab/base:stable@${INDEX}`),
    )
    expect(result.kind === 'pinned' && result.tag?.moved).toBe(true)
    expect(result.kind === 'pinned' && result.tag?.current?.digest).toBe(DIGEST)
  })
})
