/**
 * Image references as Docker reads them: `python:3.12-slim` is `docker.io/library/python:3.12-slim`.
 * The grammar is @swimlane/docker-reference's port of the distribution project's reference
 * package; this module normalises its result into a plain, typed value.
 */
import { parseFamiliarName } from '@swimlane/docker-reference'
import { z } from 'zod'
import { ImageReferenceError } from './errors.js'

/** Docker Hub's name in references, and the host its v2 API answers on. */
export const DOCKER_HUB = 'docker.io'
const DOCKER_HUB_API = 'registry-1.docker.io'

/** An image reference, normalised as Docker does. */
export const ImageReference = z.object({
  /** The registry's host (and port). @example "docker.io" @example "registry.example:5000" */
  registry: z.string().min(1),
  /** The repository within it; Docker Hub's official images under `library/`. @example "library/python" */
  repository: z.string().min(1),
  /** @example "3.12-slim" */
  tag: z.string().optional(),
  /** A pinned manifest digest. @example "sha256:4d3…" */
  digest: z.string().optional(),
})
export type ImageReference = z.infer<typeof ImageReference>

/**
 * Parses a reference the way `docker pull` reads it. A reference with neither tag nor digest
 * gets no tag here; `withDefaultTag` adds Docker's `latest` where a pull would.
 */
export function parseReference(text: string): ImageReference {
  const trimmed = text.trim()
  if (trimmed === '') throw new ImageReferenceError(text, 'it is empty')
  let parsed: ReturnType<typeof parseFamiliarName>
  try {
    parsed = parseFamiliarName(trimmed)
  } catch (error) {
    throw new ImageReferenceError(text, (error as Error).message, error)
  }
  const { domain, repository, tag, digest } = parsed
  if (!domain || !repository) throw new ImageReferenceError(text, 'it names no repository')
  return {
    registry: domain,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  }
}

/** The reference with `latest` as its tag when it has neither tag nor digest, as `docker pull` does. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref
}

/** `registry/repository`: the name a registry and the engine's distribution endpoint know. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`
}

/** The full normalised form: `docker.io/library/python:3.12-slim@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`
}

/** The short form Docker prints (`python:3.12-slim`, `ghcr.io/x/y@sha256:…`), for reports. */
export function familiarReference(ref: ImageReference): string {
  let name = repositoryName(ref)
  if (ref.registry === DOCKER_HUB) {
    name = ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository
  }
  return `${name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`
}

/** Whether a registry host is on the loopback interface, which Docker talks to over plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

/**
 * The base URL of the registry's v2 API. Docker Hub answers on its own host; loopback registries
 * and those listed as insecure (the engine's `insecure-registries`) over HTTP, all others HTTPS.
 */
export function registryApiBase(registry: string, insecureRegistries: readonly string[] = []): string {
  if (registry === DOCKER_HUB) return `https://${DOCKER_HUB_API}`
  const scheme = isLoopbackRegistry(registry) || insecureRegistries.includes(registry) ? 'http' : 'https'
  return `${scheme}://${registry}`
}
