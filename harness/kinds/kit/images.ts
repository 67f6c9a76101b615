/**
 * Image references as documents write them, compared the way Docker resolves them: `app` is
 * `app:latest`, `docker.io/library/python:3.12` is `python:3.12`, and a `docker images` row that
 * shows `href-counter sdk` speaks of the `alexellis2/href-counter:sdk` the document built (a
 * repository written without its namespace).
 */

import { memoize } from '../../memo.js'

/** A reference with Docker Hub's implicit parts left out and the default tag added. */
export const normalizeRef: (ref: string) => string = memoize(normalizeUncached)

function normalizeUncached(ref: string): string {
  let r = ref.trim()
  r = r.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
  r = r.replace(/^library\//, '')
  if (r.includes('@')) return r
  const slash = r.lastIndexOf('/')
  const colon = r.lastIndexOf(':')
  return colon > slash ? r : `${r}:latest`
}

/** The repository of a reference, without its tag or digest. @example "alexellis2/href-counter" */
export const repositoryOf: (ref: string) => string = memoize(repositoryUncached)

function repositoryUncached(ref: string): string {
  const r = normalizeRef(ref).replace(/@.*$/, '')
  const colon = r.lastIndexOf(':')
  return colon > r.lastIndexOf('/') ? r.slice(0, colon) : r
}

/** The tag of a reference (`latest` when none is written). */
export const tagOf: (ref: string) => string = memoize(tagUncached)

function tagUncached(ref: string): string {
  const r = normalizeRef(ref).replace(/@.*$/, '')
  const colon = r.lastIndexOf(':')
  return colon > r.lastIndexOf('/') ? r.slice(colon + 1) : 'latest'
}

/**
 * The short name lessonproof gives an image: its tag, or its repository when the tag is
 * `latest` (`task-api:slim` → "slim", `myapp` → "myapp"). The parse stage names iterations so.
 */
export function nameOfImage(ref: string): string {
  const tag = tagOf(ref)
  return tag === 'latest' ? repositoryOf(ref) : tag
}

/** Whether two references name the same image. */
export function sameImage(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normalizeRef(a) === normalizeRef(b)
}

/**
 * Whether a reference written without its namespace (`href-counter:sdk`) may stand for a
 * namespaced one (`alexellis2/href-counter:sdk`): same tag, and the repository's last part.
 */
export function sameImageLoosely(written: string, full: string): boolean {
  if (sameImage(written, full)) return true
  const w = repositoryOf(written)
  const f = repositoryOf(full)
  return !w.includes('/') && f.endsWith(`/${w}`) && tagOf(written) === tagOf(full)
}
