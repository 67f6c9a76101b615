/**
 * What a claim kind is: one module with a stable id, its fields, how it is read from a document,
 * its static check, and — when its truth is a fact about a built image — what it needs measured
 * and how a measurement judges it. Registered in one table (harness/kinds/index.ts).
 */
import { z } from 'zod'
import { type Check, ClaimBase, type Iteration } from '../../model/index.js'
import type { Settings } from '../../settings/index.js'
import type { CheckContext } from './context.js'
import type { Course } from './course.js'
import type { Draft, Extraction } from './extraction.js'
import type { Iterations } from './iterations.js'

/**
 * Something a claim asks the engine to look at, beyond each iteration's size, layers and
 * /health: a path in an iteration's image, a route of its app, a base image's size.
 */
export type Need =
  | { kind: 'path'; iteration: Iteration; path: string }
  | { kind: 'route'; iteration: Iteration; method: string; path: string; app: string }
  | { kind: 'base-image'; ref: string }
  /** The iteration's build log is compared: built alone, after the document's earlier builds, as a reader's would be. */
  | { kind: 'build-log'; iteration: Iteration }
  /** The durations of the iteration's steps are compared: built with `--no-cache`, so every step runs. */
  | { kind: 'timing'; iteration: Iteration }
  /** The app must run: /health is called (an iteration no claim runs is only built and inspected). */
  | { kind: 'run'; iteration: Iteration }

/** A kind whose claims are facts about a built image or a run: a verdict needs a measurement. */
export interface Measured<C> {
  /** What the claim needs looked at (each iteration's size and layers always are). */
  needs?(claim: C, iterations: Iterations): Need[]
  /** Judges the claim against the run's measurements (`ctx.facts` is set). */
  judge(claim: C, ctx: CheckContext): Check[]
  /**
   * In a static run: `block` (the default) blocks the claim with `staticReason`; `skip` leaves it to
   * its static checks (a reduction holds on the lesson's own numbers without a build).
   */
  inStatic?: 'block' | 'skip'
  /** Why a static run cannot check it. @default "needs a build of <image>; this run is static (--static)" */
  staticReason?(claim: C): string
}

/** A claim as a run-wide check sees it: the document and lesson it belongs to, and that lesson's settings. */
export interface RunClaim<C> {
  claim: C
  path: string
  lessonPath: string
  settings: Settings
}

export interface KindDefinition<K extends string, S extends z.ZodRawShape> {
  /** The stable id: the claim's `kind` field, the ledger's and the report's. */
  id: K
  /** The fields of this kind, beside the ones every claim has. */
  fields: S
  /** Which documents it reads: Markdown and text documents, or plain-text exports. @default 'documents' */
  reads?: 'documents' | 'exports'
  /** Reads the kind's claims out of a document; `emit` adds one. */
  extract(x: Extraction, emit: (draft: Draft<ClaimOfShape<K, S>>) => void): void
  /** Checks that need no engine: against the document, its family and its code. */
  check(claim: ClaimOfShape<K, S>, ctx: CheckContext): Check[]
  /** `false` for a claim that a static check settles (a Dockerfile parses); how it is measured otherwise. */
  measured: false | Measured<ClaimOfShape<K, S>>
  /**
   * Checks that need the other documents of the run, made once every document is read, beside
   * each claim's `check`: the same base image stated in two lessons (the run's claims of this
   * kind), a lesson cited by number (the course's tables of lessons and frontmatter).
   */
  acrossRun?(claims: RunClaim<ClaimOfShape<K, S>>[], course: Course): Map<ClaimOfShape<K, S>, Check[]>
}

type Schema<K extends string, S extends z.ZodRawShape> = z.ZodObject<
  { kind: z.ZodLiteral<K> } & typeof ClaimBase & S
>
export type ClaimOfShape<K extends string, S extends z.ZodRawShape> = z.infer<Schema<K, S>>

export interface Kind<K extends string = string, S extends z.ZodRawShape = z.ZodRawShape>
  extends KindDefinition<K, S> {
  schema: Schema<K, S>
  /** Whether a claim is of this kind (a type guard for other kinds that read it). */
  is<T extends { kind: string }>(claim: T): claim is T & ClaimOfShape<K, S>
}

/** The claim type of a kind. */
export type ClaimOf<T> = T extends Kind<infer K, infer S> ? ClaimOfShape<K, S> : never

export function defineKind<K extends string, S extends z.ZodRawShape>(
  definition: KindDefinition<K, S>,
): Kind<K, S> {
  const schema = z.object({ kind: z.literal(definition.id), ...ClaimBase, ...definition.fields }) as Schema<
    K,
    S
  >
  return {
    ...definition,
    schema,
    is: <T extends { kind: string }>(claim: T): claim is T & ClaimOfShape<K, S> =>
      claim.kind === definition.id,
  }
}
