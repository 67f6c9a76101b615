import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  PlatformNotFoundError,
  RegistryError,
  RegistryUnreachableError,
  TagNotFoundError,
  UnauthorizedError,
} from './errors.js'
import { parsePlatform } from './platform.js'
import { parseReference } from './reference.js'
import { createRegistryResolver, MEDIA_TYPES, type RegistryResolverOptions } from './registry.js'
import type { Clock } from './resolver.js'

/** A request the fake transport saw. */
interface Seen {
  method: string
  url: string
  headers: Record<string, string>
}

type Handler = (req: Seen) => Response | Promise<Response>

/** A fetch that answers from a handler and records every request; no network. */
function fakeFetch(handler: Handler): { fetch: typeof globalThis.fetch; seen: Seen[] } {
  const seen: Seen[] = []
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const req: Seen = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
    }
    seen.push(req)
    return handler(req)
  }) as typeof globalThis.fetch
  return { fetch, seen }
}

function fakeClock(start = 1_000_000): Clock & { slept: number[]; advance(ms: number): void } {
  let now = start
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
    advance: (ms) => {
      now += ms
    },
  }
}

const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`

const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.manifestV2,
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'c'.repeat(64)}` },
  layers: [],
})
const MANIFEST_DIGEST = digestOf(manifest)
const AMD64 = `sha256:${'1'.repeat(64)}`
const ARM64 = `sha256:${'2'.repeat(64)}`
const ARMV7 = `sha256:${'3'.repeat(64)}`
const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: MEDIA_TYPES.ociIndex,
  manifests: [
    { digest: AMD64, mediaType: MEDIA_TYPES.ociManifest, platform: { os: 'linux', architecture: 'amd64' } },
    {
      digest: ARM64,
      mediaType: MEDIA_TYPES.ociManifest,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
    {
      digest: ARMV7,
      mediaType: MEDIA_TYPES.ociManifest,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    },
    {
      digest: `sha256:${'4'.repeat(64)}`,
      mediaType: MEDIA_TYPES.ociManifest,
      platform: { os: 'unknown', architecture: 'unknown' },
    },
  ],
})
const INDEX_DIGEST = digestOf(index)

function manifestResponse(body: string, mediaType: string, method: string, withDigest = true): Response {
  const headers: Record<string, string> = { 'content-type': mediaType }
  if (withDigest) headers['docker-content-digest'] = digestOf(body)
  return new Response(method === 'HEAD' ? null : body, { status: 200, headers })
}

const notFound = () =>
  new Response(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }), {
    status: 404,
  })

function resolver(handler: Handler, options: Omit<RegistryResolverOptions, 'fetch'> = {}) {
  const fake = fakeFetch(handler)
  const clock = fakeClock()
  return { ...fake, clock, resolver: createRegistryResolver({ clock, ...options, fetch: fake.fetch }) }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('resolving a tag', () => {
  it('reads the digest from one HEAD, asking for every manifest type', async () => {
    const { resolver: r, seen } = resolver((req) =>
      manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method),
    )
    const result = await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(result).toEqual({
      kind: 'tag',
      reference: 'registry.example/lab/base:stable',
      digest: MANIFEST_DIGEST,
      mediaType: MEDIA_TYPES.manifestV2,
      platforms: [],
      via: 'registry',
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.method).toBe('HEAD')
    expect(seen[0]?.url).toBe('https://registry.example/v2/lab/base/manifests/stable')
    for (const type of Object.values(MEDIA_TYPES)) expect(seen[0]?.headers.accept).toContain(type)
  })

  it('talks to Docker Hub on its API host, and to loopback registries over HTTP', async () => {
    const { resolver: r, seen } = resolver((req) =>
      manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method),
    )
    await r.resolve(parseReference('python:3.12-slim'))
    await r.resolve(parseReference('localhost:5000/lab/base'))
    expect(seen.map((s) => s.url)).toEqual([
      'https://registry-1.docker.io/v2/library/python/manifests/3.12-slim',
      'http://localhost:5000/v2/lab/base/manifests/latest',
    ])
  })

  it('falls back to GET when HEAD is refused, and hashes the body when no digest header comes', async () => {
    const { resolver: r, seen } = resolver((req) =>
      req.method === 'HEAD'
        ? new Response(null, { status: 405 })
        : manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method, false),
    )
    const result = await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(result.digest).toBe(MANIFEST_DIGEST)
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'GET'])
  })

  it('refuses a manifest whose bytes do not match the digest it is served under', async () => {
    const { resolver: r } = resolver((req) =>
      req.method === 'HEAD'
        ? new Response(null, { status: 405 })
        : new Response(manifest, {
            headers: { 'content-type': MEDIA_TYPES.manifestV2, 'docker-content-digest': AMD64 },
          }),
    )
    const error = await rejection(r.resolve(parseReference('registry.example/lab/base:stable')))
    expect(error).toBeInstanceOf(RegistryError)
    expect(error.message).toContain(`not ${AMD64}`)
  })
})

describe('platforms', () => {
  const serveIndex: Handler = (req) => {
    if (req.url.endsWith('/manifests/3.12-slim') || req.url.endsWith(`/manifests/${INDEX_DIGEST}`)) {
      return manifestResponse(index, MEDIA_TYPES.ociIndex, req.method)
    }
    return notFound()
  }

  it.each([
    ['linux/amd64', AMD64],
    ['linux/x86_64', AMD64],
    ['linux/arm64', ARM64],
    ['linux/arm64/v8', ARM64],
    ['linux/arm/v7', ARMV7],
  ])('finds the manifest for %s in an index', async (platform, digest) => {
    const { resolver: r, seen } = resolver(serveIndex)
    const result = await r.resolve(parseReference('python:3.12-slim'), { platform: parsePlatform(platform) })
    expect(result.kind === 'tag' && result.digest).toBe(INDEX_DIGEST)
    expect(result.kind === 'tag' && result.platform?.digest).toBe(digest)
    expect(result.kind === 'tag' && result.platforms.map((p) => p.architecture)).toEqual([
      'amd64',
      'arm64',
      'arm',
    ])
    // HEAD for the tag's digest, then GET of the index by that digest.
    expect(seen.map((s) => `${s.method} ${s.url.split('/manifests/')[1]}`)).toEqual([
      'HEAD 3.12-slim',
      `GET ${INDEX_DIGEST}`,
    ])
  })

  it('says which platforms an index has when the wanted one is missing', async () => {
    const { resolver: r } = resolver(serveIndex)
    const error = await rejection(
      r.resolve(parseReference('python:3.12-slim'), { platform: parsePlatform('linux/s390x') }),
    )
    expect(error).toBeInstanceOf(PlatformNotFoundError)
    expect(error.message).toBe(
      'docker.io/library/python:3.12-slim: no manifest for linux/s390x; the index lists linux/amd64, linux/arm64/v8, linux/arm/v7',
    )
  })

  it("reads a single manifest's platform from its config", async () => {
    const { resolver: r, seen } = resolver((req) => {
      if (req.url.includes('/blobs/')) return Response.json({ os: 'linux', architecture: 'amd64' })
      return manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method)
    })
    const result = await r.resolve(parseReference('registry.example/lab/base:stable'), {
      platform: parsePlatform('linux/amd64'),
    })
    expect(result.kind === 'tag' && result.platform).toEqual({
      os: 'linux',
      architecture: 'amd64',
      digest: MANIFEST_DIGEST,
    })
    expect(seen.at(-1)?.url).toBe(`https://registry.example/v2/lab/base/blobs/sha256:${'c'.repeat(64)}`)
    const wrong = await rejection(
      r.resolve(parseReference('registry.example/lab/base:stable'), {
        platform: parsePlatform('linux/arm64'),
      }),
    )
    expect(wrong).toBeInstanceOf(PlatformNotFoundError)
  })
})

describe('token auth', () => {
  const challenge =
    'Bearer realm="https://auth.registry.example/token",service="registry.example",scope="repository:lab/base:pull"'

  /** A registry that wants a Bearer token `t<n>` from its token service, issued with a lifetime. */
  function tokenRegistry(expiresIn = 300) {
    let issued = 0
    const handler: Handler = (req) => {
      if (req.url.startsWith('https://auth.registry.example/token')) {
        issued++
        return Response.json({ token: `t${issued}`, expires_in: expiresIn })
      }
      if (req.headers.authorization !== `Bearer t${issued}` || issued === 0) {
        return new Response(null, { status: 401, headers: { 'www-authenticate': challenge } })
      }
      return manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method)
    }
    return handler
  }

  it('fetches an anonymous token from the realm and retries with it', async () => {
    const { resolver: r, seen } = resolver(tokenRegistry())
    const result = await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(result.digest).toBe(MANIFEST_DIGEST)
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'GET', 'HEAD'])
    const tokenUrl = new URL(seen[1]?.url ?? '')
    expect(tokenUrl.searchParams.get('service')).toBe('registry.example')
    expect(tokenUrl.searchParams.get('scope')).toBe('repository:lab/base:pull')
    expect(seen[1]?.headers.authorization).toBeUndefined()
    expect(seen[2]?.headers.authorization).toBe('Bearer t1')
  })

  it('reuses the token until it expires, by the clock', async () => {
    const { resolver: r, seen, clock } = resolver(tokenRegistry(60))
    await r.resolve(parseReference('registry.example/lab/base:stable'))
    await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(seen.filter((s) => s.url.includes('/token'))).toHaveLength(1)
    clock.advance(61_000)
    await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(seen.filter((s) => s.url.includes('/token'))).toHaveLength(2)
    expect(clock.slept).toEqual([])
  })

  it('sends the given credentials to the token service', async () => {
    const { resolver: r, seen } = resolver(tokenRegistry(), {
      credentials: (registry) =>
        registry === 'registry.example' ? { username: 'ann', password: 's3' } : undefined,
    })
    await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(seen[1]?.headers.authorization).toBe(`Basic ${Buffer.from('ann:s3').toString('base64')}`)
  })

  it('is unauthorized when the token does not open the repository', async () => {
    const { resolver: r } = resolver((req) =>
      req.url.includes('/token')
        ? Response.json({ access_token: 'x' })
        : new Response(
            JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
            { status: 401, headers: { 'www-authenticate': challenge } },
          ),
    )
    const error = await rejection(r.resolve(parseReference('registry.example/lab/base:stable')))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.message).toBe(
      'registry.example/lab/base:stable: unauthorized at https://registry.example: HEAD https://registry.example/v2/lab/base/manifests/stable answered 401 (UNAUTHORIZED: authentication required)',
    )
  })

  it('is unauthorized when the token service refuses', async () => {
    const { resolver: r } = resolver((req) =>
      req.url.includes('/token')
        ? new Response('denied', { status: 403 })
        : new Response(null, { status: 401, headers: { 'www-authenticate': challenge } }),
    )
    const error = await rejection(r.resolve(parseReference('registry.example/lab/base:stable')))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.message).toContain('the token service https://auth.registry.example answered 403 (denied)')
  })

  it('answers a Basic challenge only with credentials', async () => {
    const basicRegistry: Handler = (req) =>
      req.headers.authorization === `Basic ${Buffer.from('ann:s3').toString('base64')}`
        ? manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method)
        : new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry"' } })
    const anonymous = resolver(basicRegistry)
    const error = await rejection(
      anonymous.resolver.resolve(parseReference('registry.example/lab/base:stable')),
    )
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(error.message).toContain('asks for a login (Basic); none given')
    const withLogin = resolver(basicRegistry, { credentials: () => ({ username: 'ann', password: 's3' }) })
    const result = await withLogin.resolver.resolve(parseReference('registry.example/lab/base:stable'))
    expect(result.digest).toBe(MANIFEST_DIGEST)
  })

  it('never sends credentials to a plain-HTTP realm off the loopback', async () => {
    const { resolver: r, seen } = resolver(
      () =>
        new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="http://auth.registry.example/token"' },
        }),
      { credentials: () => ({ username: 'ann', password: 's3' }) },
    )
    const error = await rejection(r.resolve(parseReference('registry.example/lab/base:stable')))
    expect(error).toBeInstanceOf(UnauthorizedError)
    expect(seen).toHaveLength(1)
  })
})

describe('failures', () => {
  it('says not found, with the address, for a 404', async () => {
    const { resolver: r } = resolver(() => new Response(null, { status: 404 }))
    const error = await rejection(r.resolve(parseReference('registry.example/lab/base:gone')))
    expect(error).toBeInstanceOf(TagNotFoundError)
    expect(error.message).toBe(
      'registry.example/lab/base:gone: not found at https://registry.example: HEAD https://registry.example/v2/lab/base/manifests/gone answered 404',
    )
  })

  it('says unreachable, with the address and the cause, when the connection fails', async () => {
    const { resolver: r } = resolver(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      })
    })
    const error = await rejection(r.resolve(parseReference('localhost:5999/lab/base:stable')))
    expect(error).toBeInstanceOf(RegistryUnreachableError)
    expect((error as RegistryUnreachableError).address).toBe('http://localhost:5999')
    expect(error.message).toBe(
      'localhost:5999/lab/base:stable: registry unreachable at http://localhost:5999: ECONNREFUSED (connect ECONNREFUSED)',
    )
  })

  it('retries a 503 after waiting, by the injected clock', async () => {
    let calls = 0
    const { resolver: r, clock } = resolver((req) =>
      ++calls < 3
        ? new Response(null, { status: 503, headers: calls === 2 ? { 'retry-after': '7' } : {} })
        : manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method),
    )
    const result = await r.resolve(parseReference('registry.example/lab/base:stable'))
    expect(result.digest).toBe(MANIFEST_DIGEST)
    expect(clock.slept).toEqual([1000, 7000])
  })

  it('gives up after the retries with the status', async () => {
    const { resolver: r, clock } = resolver(() => new Response(null, { status: 502 }), { retries: 1 })
    const error = await rejection(r.resolve(parseReference('registry.example/lab/base:stable')))
    expect(error).toBeInstanceOf(RegistryError)
    expect((error as RegistryError).status).toBe(502)
    expect(clock.slept).toEqual([1000])
  })
})

describe('pinned references', () => {
  it('reports a digest-only reference as pinned without asking the registry', async () => {
    const { resolver: r, seen } = resolver(() => {
      throw new Error('no request expected')
    })
    const result = await r.resolve(parseReference(`registry.example/lab/base@${AMD64}`))
    expect(result).toEqual({ kind: 'pinned', reference: `registry.example/lab/base@${AMD64}`, digest: AMD64 })
    expect(seen).toEqual([])
  })

  it('reports where the tag points now when it has moved away from the pin', async () => {
    const { resolver: r } = resolver((req) => manifestResponse(manifest, MEDIA_TYPES.manifestV2, req.method))
    const result = await r.resolve(parseReference(`registry.example/lab/base:stable@${AMD64}`))
    expect(result.kind).toBe('pinned')
    if (result.kind !== 'pinned') return
    expect(result.digest).toBe(AMD64)
    expect(result.tag?.moved).toBe(true)
    expect(result.tag?.current?.digest).toBe(MANIFEST_DIGEST)
  })

  it("counts a pin on the platform's manifest as not moved", async () => {
    const { resolver: r } = resolver((req) => manifestResponse(index, MEDIA_TYPES.ociIndex, req.method))
    const result = await r.resolve(parseReference(`python:3.12-slim@${AMD64}`), {
      platform: parsePlatform('linux/amd64'),
    })
    expect(result.kind === 'pinned' && result.tag?.moved).toBe(false)
  })

  it('keeps the pin when its tag is gone, saying why the tag did not resolve', async () => {
    const { resolver: r } = resolver(() => new Response(null, { status: 404 }))
    const result = await r.resolve(parseReference(`registry.example/lab/base:stable@${AMD64}`))
    expect(result.kind === 'pinned' && result.tag?.error?.code).toBe('tag-not-found')
  })
})
