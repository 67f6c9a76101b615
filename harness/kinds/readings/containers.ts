/**
 * The image a command or Compose service starts, as the document defines it: the Dockerfile a
 * build of that tag used (with the files beside it then), or an image from a registry.
 */
import type { FileVersion, Iteration } from '../../model/index.js'
import { filesAt } from '../../parse/index.js'
import type { Extraction } from '../kit/index.js'
import type { ComposeService } from './compose.js'
import { type ImageName, imageKey, imageName } from './docker-cli.js'
import { type Runtime, runtimeOf } from './runtime.js'

/** An image a container is started from. */
export interface ContainerImage {
  ref: string
  /** Built by the document: the Dockerfile version and the files as they stood at the build. */
  built?: { it?: Iteration; dockerfile: FileVersion; files: Record<string, FileVersion>; runtime: Runtime }
  /** Otherwise the reference (an official image, a registry's). */
  name?: ImageName
}

/** The image `ref` as a command at `line` would start it: the latest build of that tag before it, else the first. */
export function imageAt(x: Extraction, ref: string, line: number): ContainerImage {
  const key = imageKey(ref)
  const builds = x.iterations.all.filter((it) => key !== undefined && imageKey(it.tag) === key)
  const it = builds.filter((b) => b.line < line).at(-1) ?? builds[0]
  const dockerfile = it?.files[it.dockerfile]
  if (it && dockerfile)
    return { ref, built: { it, dockerfile, files: it.files, runtime: runtimeOf(dockerfile.content) } }
  const name = imageName(ref)
  return name ? { ref, name } : { ref }
}

function normalise(path: string): string {
  return path
    .replace(/^\.\//, '')
    .replace(/\/\.\//g, '/')
    .replace(/^\.$/, '')
}

/**
 * The image a Compose service runs: the Dockerfile its `build:` names (its latest version in the
 * document; the context is relative to the Compose file's folder), or its `image:`.
 */
export function serviceImage(x: Extraction, service: ComposeService, composeFile: string): ContainerImage {
  if (service.build) {
    const folder = composeFile.includes('/') ? composeFile.replace(/\/[^/]*$/, '') : ''
    const context = normalise(folder ? `${folder}/${service.build.context}` : service.build.context)
    const wanted = normalise(context ? `${context}/${service.build.dockerfile}` : service.build.dockerfile)
    const versions = x.doc.files.filter((f) => normalise(f.name) === wanted && f.alternativeTo === undefined)
    const dockerfile = versions.at(-1)
    if (dockerfile) {
      const files = filesAt(x.doc.files, Number.MAX_SAFE_INTEGER)
      return {
        ref: service.image?.ref ?? service.name,
        built: { dockerfile, files, runtime: runtimeOf(dockerfile.content) },
      }
    }
    return { ref: service.image?.ref ?? service.name }
  }
  const ref = service.image?.ref ?? ''
  const name = imageName(ref)
  return name ? { ref, name } : { ref }
}
