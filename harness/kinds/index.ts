/**
 * The claim kinds, registered in one table. A kind is one module (see harness/kinds/kit/define.ts);
 * adding one is adding its module and its line here. The order is the order extractors run in.
 */
import { z } from 'zod'
import type { AnyClaim } from '../model/index.js'
import { baseImageSize } from './base-image-size.js'
import { buildCommand } from './build-command.js'
import { buildLog } from './build-log.js'
import { buildOutput } from './build-output.js'
import { buildSteps } from './build-steps.js'
import { command } from './command.js'
import { contents } from './contents.js'
import { dockerfile } from './dockerfile.js'
import { duration } from './duration.js'
import { env } from './env.js'
import { frontmatter } from './frontmatter.js'
import { health } from './health.js'
import { history } from './history.js'
import { imageId } from './image-id.js'
import { imageSize } from './image-size.js'
import { imageSource } from './image-source.js'
import { imageTag } from './image-tag.js'
import { imageTools } from './image-tools.js'
import type { Kind } from './kit/index.js'
import { layerSize } from './layer-size.js'
import { lessonCitation } from './lesson-citation.js'
import { listing } from './listing.js'
import { markdown } from './markdown.js'
import { output } from './output.js'
import { pathGlob } from './path-glob.js'
import { pathSize } from './path-size.js'
import { port } from './ports.js'
import { practice } from './practice.js'
import { pulledLayers } from './pulled-layers.js'
import { reduction } from './reduction.js'
import { resource } from './resource.js'
import { route } from './route.js'
import { runFlags } from './run-flags.js'
import { speedup } from './speedup.js'
import { statedBase } from './stated-base.js'
import { step } from './step.js'
import { target } from './target.js'
import { transcript } from './transcript.js'

export const KINDS = [
  imageSize,
  reduction,
  target,
  history,
  layerSize,
  baseImageSize,
  duration,
  speedup,
  health,
  route,
  env,
  contents,
  buildCommand,
  dockerfile,
  buildLog,
  buildSteps,
  practice,
  transcript,
  frontmatter,
  markdown,
  pathSize,
  port,
  imageTag,
  imageTools,
  pathGlob,
  statedBase,
  imageId,
  pulledLayers,
  listing,
  command,
  imageSource,
  buildOutput,
  resource,
  lessonCitation,
  runFlags,
  step,
  output,
] as const

/** A claim of any registered kind. */
export type Claim = z.infer<(typeof KINDS)[number]['schema']>
export type ClaimKind = Claim['kind']

/** The schema of every claim: one of the kinds' schemas, by `kind`. */
export const Claim = z.discriminatedUnion(
  'kind',
  KINDS.map((k) => k.schema) as unknown as [
    (typeof KINDS)[number]['schema'],
    ...(typeof KINDS)[number]['schema'][],
  ],
)

const BY_ID = new Map<string, Kind>(KINDS.map((k) => [k.id, k as unknown as Kind]))

/** The kind a claim belongs to. */
export function kindOf(claim: Pick<AnyClaim, 'kind'>): Kind {
  const kind = BY_ID.get(claim.kind)
  if (!kind) throw new Error(`no claim kind '${claim.kind}' is registered`)
  return kind
}

export { CheckContext, type ClaimOf, Extraction, type Family, type Kind } from './kit/index.js'
