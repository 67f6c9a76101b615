/**
 * Resolves a reference through the registry's v2 API, without pulling: a HEAD of
 * `/v2/<name>/manifests/<tag>` reads `Docker-Content-Digest`; a GET when HEAD is not answered,
 * and for the wanted platform's manifest in an index. A 401 is answered as `docker pull` does:
 * a Bearer challenge with a token from its realm (anonymous, or with credentials), Basic with
 * credentials.
 */
import { createHash } from 'node:crypto'
import { parse as parseChallenge } from 'auth-header'
import {
  PlatformNotFoundError,
  RegistryError,
  RegistryUnreachableError,
  TagNotFoundError,
  UnauthorizedError,
} from './errors.js'
import { formatPlatform, type Platform, platformMatches } from './platform.js'
import { formatReference, type ImageReference, isLoopbackRegistry, registryApiBase } from './reference.js'
import {
  type Clock,
  type Credentials,
  type DigestResolver,
  type PlatformManifest,
  resolverFromTags,
  systemClock,
  type TagResolution,
} from './resolver.js'

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  manifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  manifestV2: 'application/vnd.docker.distribution.manifest.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
} as const

const ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.manifestList,
  MEDIA_TYPES.manifestV2,
  MEDIA_TYPES.ociManifest,
].join(', ')
const INDEX_TYPES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.manifestList]

export interface RegistryResolverOptions {
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** @default systemClock */
  clock?: Clock
  /** Login for a registry host (`docker.io`, `ghcr.io`…); anonymous when it returns undefined. */
  credentials?: (registry: string) => Credentials | undefined
  /** Registries the engine reaches over plain HTTP besides loopback ones (its `insecure-registries`). */
  insecureRegistries?: readonly string[]
  /** Per request. @default 15000 */
  timeoutMs?: number
  /** How often a 429 or 5xx answer is tried again, after a wait that doubles. @default 2 */
  retries?: number
}

interface CachedToken {
  header: string
  expiresAt: number
}

/** A manifest or index body, as far as drift reads it. */
interface ManifestBody {
  mediaType?: string
  manifests?: { digest: string; mediaType?: string; platform?: Platform }[]
  config?: { digest: string; mediaType?: string }
}

export function createRegistryResolver(options: RegistryResolverOptions = {}): DigestResolver {
  const fetchFn = options.fetch ?? globalThis.fetch
  const clock = options.clock ?? systemClock
  const timeoutMs = options.timeoutMs ?? 15_000
  const retries = options.retries ?? 2
  const insecure = options.insecureRegistries ?? []
  const tokens = new Map<string, CachedToken>()
  /** The Authorization a repository last needed, so later requests send it up front while it lasts. */
  const repoAuth = new Map<string, CachedToken>()

  async function rawFetch(
    ref: ImageReference,
    address: string,
    url: string,
    init: RequestInit,
  ): Promise<Response> {
    try {
      return await fetchFn(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) })
    } catch (error) {
      throw new RegistryUnreachableError(
        formatReference(ref),
        address,
        networkReason(error, timeoutMs),
        error,
      )
    }
  }

  async function tokenFor(ref: ImageReference, address: string, challenge: string): Promise<CachedToken> {
    let parsed: ReturnType<typeof parseChallenge>
    try {
      parsed = parseChallenge(challenge)
    } catch {
      throw new UnauthorizedError(formatReference(ref), address, `unreadable challenge '${challenge}'`)
    }
    const scheme = parsed.scheme.toLowerCase()
    const credentials = options.credentials?.(ref.registry)
    if (scheme === 'basic') {
      if (!credentials) {
        throw new UnauthorizedError(
          formatReference(ref),
          address,
          'the registry asks for a login (Basic); none given',
        )
      }
      return { header: `Basic ${basic(credentials)}`, expiresAt: Number.POSITIVE_INFINITY }
    }
    if (scheme !== 'bearer') {
      throw new UnauthorizedError(
        formatReference(ref),
        address,
        `unsupported challenge scheme '${parsed.scheme}'`,
      )
    }
    const realm = first(parsed.params.realm)
    if (!realm) throw new UnauthorizedError(formatReference(ref), address, 'Bearer challenge without a realm')
    const service = first(parsed.params.service)
    const scope = first(parsed.params.scope) ?? `repository:${ref.repository}:pull`
    const key = `${realm}\n${service ?? ''}\n${scope}\n${credentials?.username ?? ''}`
    const cached = tokens.get(key)
    if (cached && cached.expiresAt > clock.now()) return cached

    let realmUrl: URL
    try {
      realmUrl = new URL(realm)
    } catch {
      throw new UnauthorizedError(formatReference(ref), address, `token realm '${realm}' is not a URL`)
    }
    // A login goes over HTTPS only, or to a loopback realm.
    if (credentials && realmUrl.protocol !== 'https:' && !isLoopbackRegistry(realmUrl.host)) {
      throw new UnauthorizedError(
        formatReference(ref),
        address,
        `refusing to send credentials to the token realm ${realm} over plain HTTP`,
      )
    }
    if (service) realmUrl.searchParams.set('service', service)
    realmUrl.searchParams.set('scope', scope)
    const headers: Record<string, string> = { accept: 'application/json' }
    if (credentials) headers.authorization = `Basic ${basic(credentials)}`
    const res = await rawFetch(ref, realmUrl.origin, realmUrl.toString(), { method: 'GET', headers })
    if (!res.ok) {
      throw new UnauthorizedError(
        formatReference(ref),
        address,
        `the token service ${realmUrl.origin} answered ${res.status}${await errorDetail(res)}`,
      )
    }
    const body = (await res.json().catch(() => ({}))) as {
      token?: string
      access_token?: string
      expires_in?: number
    }
    const token = body.token ?? body.access_token
    if (!token) {
      throw new UnauthorizedError(
        formatReference(ref),
        address,
        `the token service ${realmUrl.origin} sent no token`,
      )
    }
    // The distribution spec's default lifetime is 60 s; keep a margin for the request itself.
    const lifetime = (body.expires_in && body.expires_in > 0 ? body.expires_in : 60) * 1000
    const issued = { header: `Bearer ${token}`, expiresAt: clock.now() + lifetime - 5_000 }
    tokens.set(key, issued)
    return issued
  }

  /** One request, answering one auth challenge and retrying 429/5xx with a doubling wait. */
  async function send(
    ref: ImageReference,
    address: string,
    method: 'HEAD' | 'GET',
    url: string,
    accept: string,
  ): Promise<Response> {
    const repoKey = `${ref.registry}/${ref.repository}`
    const known = repoAuth.get(repoKey)
    let authorization = known && known.expiresAt > clock.now() ? known.header : undefined
    let challenged = false
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept }
      if (authorization) headers.authorization = authorization
      const res = await rawFetch(ref, address, url, { method, headers })
      if (res.status === 401 && !challenged) {
        challenged = true
        const challenge = res.headers.get('www-authenticate')
        if (!challenge) {
          throw new UnauthorizedError(
            formatReference(ref),
            address,
            `401 without a challenge${await errorDetail(res)}`,
          )
        }
        await res.body?.cancel()
        const answer = await tokenFor(ref, address, challenge)
        repoAuth.set(repoKey, answer)
        authorization = answer.header
        attempt--
        continue
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await res.body?.cancel()
        await clock.sleep(retryDelay(res, attempt))
        continue
      }
      return res
    }
  }

  /** Fails with the typed error an answer means; returns when it is a 2xx. */
  async function expectOk(ref: ImageReference, address: string, res: Response, what: string): Promise<void> {
    if (res.ok) return
    const detail = await errorDetail(res)
    if (res.status === 404)
      throw new TagNotFoundError(formatReference(ref), address, `${what} answered 404${detail}`)
    if (res.status === 401 || res.status === 403) {
      throw new UnauthorizedError(formatReference(ref), address, `${what} answered ${res.status}${detail}`)
    }
    throw new RegistryError(
      formatReference(ref),
      address,
      `${what} answered ${res.status}${detail}`,
      res.status,
    )
  }

  /** GETs a manifest (by tag or digest) and checks its bytes against the digest it is served under. */
  async function getManifest(
    ref: ImageReference,
    address: string,
    url: string,
    expectedDigest: string | undefined,
  ): Promise<{ digest: string; mediaType: string; body: ManifestBody }> {
    const res = await send(ref, address, 'GET', url, ACCEPT)
    await expectOk(ref, address, res, `GET ${url}`)
    const bytes = Buffer.from(await res.arrayBuffer())
    const computed = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
    const served = res.headers.get('docker-content-digest') ?? undefined
    const digest = expectedDigest ?? served ?? computed
    if (digest.startsWith('sha256:') && digest !== computed) {
      throw new RegistryError(
        formatReference(ref),
        address,
        `the manifest at ${url} hashes to ${computed}, not ${digest}`,
      )
    }
    let body: ManifestBody
    try {
      body = JSON.parse(bytes.toString('utf8')) as ManifestBody
    } catch (error) {
      throw new RegistryError(
        formatReference(ref),
        address,
        `the manifest at ${url} is not JSON`,
        res.status,
        error,
      )
    }
    return { digest, mediaType: mediaTypeOf(res) ?? body.mediaType ?? '', body }
  }

  async function resolveTag(
    ref: ImageReference & { tag: string },
    platform: Platform | undefined,
  ): Promise<TagResolution> {
    const address = registryApiBase(ref.registry, insecure)
    const manifests = `${address}/v2/${ref.repository}/manifests/`
    const tagUrl = `${manifests}${encodeURIComponent(ref.tag)}`
    const { digest: _pin, ...tagged } = ref
    const reference = formatReference(tagged)

    const head = await send(ref, address, 'HEAD', tagUrl, ACCEPT)
    let digest = head.ok ? (head.headers.get('docker-content-digest') ?? undefined) : undefined
    let mediaType = head.ok ? (mediaTypeOf(head) ?? '') : ''
    let body: ManifestBody | undefined
    if (!head.ok && head.status !== 405 && head.status !== 400 && head.status !== 501) {
      await expectOk(ref, address, head, `HEAD ${tagUrl}`)
    }
    if (!digest) {
      // Not every registry answers HEAD or sends the digest header: read the manifest itself.
      const got = await getManifest(ref, address, tagUrl, undefined)
      ;({ digest, mediaType, body } = got)
    }
    const result: TagResolution = {
      kind: 'tag',
      reference,
      digest,
      mediaType,
      platforms: [],
      via: 'registry',
    }
    if (!platform) return result

    if (!body) body = (await getManifest(ref, address, `${manifests}${digest}`, digest)).body
    if (INDEX_TYPES.includes(mediaType) || Array.isArray(body.manifests)) {
      // BuildKit adds attestation manifests listed as unknown/unknown: they are not platforms.
      const entries = (body.manifests ?? []).filter((m) => m.platform && m.platform.os !== 'unknown')
      result.platforms = entries.map((m) => m.platform as Platform)
      const match = entries.find((m) => platformMatches(platform, m.platform as Platform))
      if (!match) {
        throw new PlatformNotFoundError(
          reference,
          formatPlatform(platform),
          result.platforms.map(formatPlatform),
        )
      }
      result.platform = { ...(match.platform as Platform), digest: match.digest } satisfies PlatformManifest
      return result
    }
    if (!body.config?.digest) {
      throw new RegistryError(reference, address, `the manifest ${digest} names no config, so no platform`)
    }
    // A single-platform manifest: its platform is in the image config.
    const configUrl = `${address}/v2/${ref.repository}/blobs/${body.config.digest}`
    const res = await send(ref, address, 'GET', configUrl, body.config.mediaType ?? 'application/json')
    await expectOk(ref, address, res, `GET ${configUrl}`)
    const config = (await res.json().catch(() => ({}))) as Partial<Platform>
    if (!config.os || !config.architecture) {
      throw new RegistryError(reference, address, `the image config ${body.config.digest} names no platform`)
    }
    const own: Platform = {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant ? { variant: config.variant } : {}),
    }
    result.platforms = [own]
    if (!platformMatches(platform, own)) {
      throw new PlatformNotFoundError(reference, formatPlatform(platform), [formatPlatform(own)])
    }
    result.platform = { ...own, digest }
    return result
  }

  return resolverFromTags(resolveTag)
}

function basic(credentials: Credentials): string {
  return Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(' ') : value
}

function mediaTypeOf(res: Response): string | undefined {
  return res.headers.get('content-type')?.split(';')[0]?.trim() || undefined
}

/** `Retry-After` seconds when the registry sends them (at most 30 s), else 1 s, 2 s, 4 s… */
function retryDelay(res: Response, attempt: number): number {
  const after = Number(res.headers.get('retry-after'))
  if (Number.isFinite(after) && after > 0) return Math.min(after, 30) * 1000
  return 1000 * 2 ** attempt
}

/** The registry's own words from an error body (`{"errors":[{"code","message"}]}`), when it sent any. */
async function errorDetail(res: Response): Promise<string> {
  const text = await res.text().catch(() => '')
  if (!text) return ''
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] }
    const errors = parsed.errors?.map((e) => [e.code, e.message].filter(Boolean).join(': ')).filter(Boolean)
    if (errors?.length) return ` (${errors.join('; ')})`
  } catch {
    // not JSON: fall through to the text itself
  }
  return ` (${text.trim().slice(0, 200)})`
}

function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`
  const cause = e.cause
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
  return e.message ?? String(error)
}
