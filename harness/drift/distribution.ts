/**
 * Resolves a reference through the engine's distribution endpoint (`GET /distribution/{name}/json`):
 * the engine asks the registry with its own configuration (mirrors, insecure registries, and
 * the login given here), and pulls nothing. It answers the tag's descriptor and the platforms
 * an index lists, not each platform's manifest digest.
 */
import {
  PlatformNotFoundError,
  RegistryError,
  RegistryUnreachableError,
  TagNotFoundError,
  UnauthorizedError,
} from './errors.js'
import { formatPlatform, type Platform, platformMatches } from './platform.js'
import { formatReference, registryApiBase } from './reference.js'
import { type Credentials, type DigestResolver, resolverFromTags, type TagResolution } from './resolver.js'

/** What the endpoint answers (Docker Engine API, `DistributionInspect`). */
export interface DistributionInfo {
  Descriptor: { mediaType: string; digest: string; size: number }
  Platforms?: { os: string; architecture: string; variant?: string }[]
}

/** The part of a dockerode client this needs; testcontainers' `container.dockerode` is one. */
export interface DistributionClient {
  getImage(name: string): {
    distribution(options?: {
      authconfig?: { username: string; password: string; serveraddress: string }
    }): Promise<DistributionInfo>
  }
}

export interface EngineResolverOptions {
  /** Login for a registry host; without it the engine asks anonymously. */
  credentials?: (registry: string) => Credentials | undefined
  /** How messages name the engine. @default "the engine" */
  engine?: string
}

/** Engine messages that mean it could not reach the registry at all. */
const UNREACHABLE =
  /dial tcp|connection refused|no such host|i\/o timeout|network is unreachable|TLS handshake timeout|context deadline exceeded|server misbehaving/i

export function createEngineResolver(
  client: DistributionClient,
  options: EngineResolverOptions = {},
): DigestResolver {
  const engine = options.engine ?? 'the engine'
  return resolverFromTags(async (ref, platform): Promise<TagResolution> => {
    const { digest: _pin, ...tagged } = ref
    const reference = formatReference(tagged)
    const credentials = options.credentials?.(ref.registry)
    let info: DistributionInfo
    try {
      info = await client
        .getImage(reference)
        .distribution(
          credentials ? { authconfig: { ...credentials, serveraddress: ref.registry } } : undefined,
        )
    } catch (error) {
      throw engineError(error, reference, ref.registry, engine)
    }
    const platforms: Platform[] = (info.Platforms ?? [])
      .filter((p) => p.os && p.architecture && p.os !== 'unknown')
      .map((p) => ({ os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) }))
    const result: TagResolution = {
      kind: 'tag',
      reference,
      digest: info.Descriptor.digest,
      mediaType: info.Descriptor.mediaType,
      platforms,
      via: 'engine',
    }
    if (!platform) return result
    const match = platforms.find((p) => platformMatches(platform, p))
    if (!match)
      throw new PlatformNotFoundError(reference, formatPlatform(platform), platforms.map(formatPlatform))
    // The endpoint gives no per-platform digest, except for a single manifest, which is its own.
    const single = !/index|list/.test(info.Descriptor.mediaType)
    result.platform = { ...match, ...(single ? { digest: info.Descriptor.digest } : {}) }
    return result
  })
}

/** The engine's answer as a typed error; its status is the registry's, its message the registry's words. */
function engineError(error: unknown, reference: string, registry: string, engine: string): Error {
  const e = error as {
    statusCode?: number
    json?: { message?: string } | null
    message?: string
    code?: string
  }
  const message = (e.json?.message ?? e.message ?? String(error)).trim()
  // The engine names the URL it tried ("Get \"http://host:port/v2/\": dial tcp …").
  const address =
    /"(https?:\/\/[^"/]+)[^"]*"/.exec(message)?.[1] ?? `${registryApiBase(registry)} (via ${engine})`
  if (e.statusCode === undefined) {
    return new RegistryError(reference, engine, `${engine} did not answer: ${message}`, undefined, error)
  }
  if (e.statusCode === 404) return new TagNotFoundError(reference, address, message)
  if (e.statusCode === 401 || e.statusCode === 403) return new UnauthorizedError(reference, address, message)
  if (UNREACHABLE.test(message)) return new RegistryUnreachableError(reference, address, message, error)
  return new RegistryError(reference, address, message, e.statusCode, error)
}
