/**
 * What drift asks of a registry: the digest a reference points at now, without pulling it.
 * Two implementations: the registry's v2 API (`registry.ts`) and the engine's distribution
 * endpoint (`distribution.ts`); unit tests use either with a fake transport.
 */
import { z } from 'zod'
import { DriftError } from './errors.js'
import { Platform } from './platform.js'
import { formatReference, type ImageReference, withDefaultTag } from './reference.js'

/** The wanted platform's own manifest within what a tag points at. */
export const PlatformManifest = Platform.extend({
  /** The platform manifest's digest; unknown when the engine resolved it (it lists platforms only). */
  digest: z.string().optional(),
})
export type PlatformManifest = z.infer<typeof PlatformManifest>

/** Where a tag points now. */
export const TagResolution = z.object({
  kind: z.literal('tag'),
  /** The normalised reference that was resolved. @example "docker.io/library/python:3.12-slim" */
  reference: z.string(),
  /** The digest the tag points at: an index's when it is multi-platform, as `RepoDigests` record it. */
  digest: z.string(),
  /** @example "application/vnd.oci.image.index.v1+json" */
  mediaType: z.string(),
  /** The platforms it serves, when they were read (an index's list, or a single manifest's config). */
  platforms: z.array(Platform),
  /** The wanted platform's manifest, when a platform was asked for. */
  platform: PlatformManifest.optional(),
  via: z.enum(['registry', 'engine']),
})
export type TagResolution = z.infer<typeof TagResolution>

/** A reference pinned to a digest: it cannot move; the tag it also names may have. */
export const PinnedResolution = z.object({
  kind: z.literal('pinned'),
  reference: z.string(),
  /** The pinned digest. */
  digest: z.string(),
  /** Where the reference's tag points now, when it names one (`python:3.12@sha256:…`). */
  tag: z
    .object({
      name: z.string(),
      current: TagResolution.optional(),
      /** The tag points elsewhere than the pin (neither its index nor the wanted platform's manifest). */
      moved: z.boolean().optional(),
      /** Why the tag could not be resolved; the pin itself still holds. */
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    })
    .optional(),
})
export type PinnedResolution = z.infer<typeof PinnedResolution>

export const Resolution = z.discriminatedUnion('kind', [TagResolution, PinnedResolution])
export type Resolution = z.infer<typeof Resolution>

export interface ResolveOptions {
  /** The platform the engine builds for; without it only the tag's own digest is resolved. */
  platform?: Platform
}

export interface DigestResolver {
  /**
   * Where the reference points now. Throws a `DriftError`: `RegistryUnreachableError`,
   * `TagNotFoundError`, `UnauthorizedError`, `PlatformNotFoundError` or `RegistryError`.
   */
  resolve(ref: ImageReference, options?: ResolveOptions): Promise<Resolution>
}

/** Login for one registry, as `docker login` stores it. */
export interface Credentials {
  username: string
  password: string
}

/** Time, injected so retries and token expiry are tested without waiting. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/** Whether a tag now points elsewhere than a pinned digest (its index or the platform's manifest). */
export function pinMoved(pinned: string, current: TagResolution): boolean {
  return current.digest !== pinned && current.platform?.digest !== pinned
}

/** Resolves one tag (the reference's digest, if any, is to be ignored). */
export type TagResolver = (
  ref: ImageReference & { tag: string },
  platform: Platform | undefined,
) => Promise<TagResolution>

/**
 * A resolver from a tag resolver, with what both implementations share: Docker's default tag,
 * and pinned references (a digest alone needs no request; a tag beside it is looked up, and its
 * failure is reported on the pin rather than thrown, since the pinned image is still there).
 */
export function resolverFromTags(resolveTag: TagResolver): DigestResolver {
  return {
    async resolve(input, options = {}) {
      const ref = withDefaultTag(input)
      if (ref.digest === undefined) return resolveTag({ ...ref, tag: ref.tag ?? 'latest' }, options.platform)
      const pinned: PinnedResolution = { kind: 'pinned', reference: formatReference(ref), digest: ref.digest }
      if (ref.tag === undefined) return pinned
      try {
        const current = await resolveTag({ ...ref, tag: ref.tag }, options.platform)
        return { ...pinned, tag: { name: ref.tag, current, moved: pinMoved(ref.digest, current) } }
      } catch (error) {
        if (!(error instanceof DriftError)) throw error
        return { ...pinned, tag: { name: ref.tag, error: { code: error.code, message: error.message } } }
      }
    },
  }
}
