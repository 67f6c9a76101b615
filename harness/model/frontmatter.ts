import { z } from 'zod'
import { LessonSettings } from '../settings/index.js'

const bloom = z.string().min(1)

/**
 * Fields both frontmatter shapes of the course share. Every key is checked only where present
 * (a Hugo page or a blog post has none of them); unknown keys are kept.
 */
const common = {
  /** Document title. @example "Multi-Stage Builds & Optimization" */
  title: z.string().min(1).optional(),
  /** Docusaurus sidebar order. */
  sidebar_position: z.number().int().optional(),
  chapter: z.number().int().positive().optional(),
  lesson: z.number().int().nonnegative().optional(),
  /** Estimated time for a learner. */
  duration_minutes: z.number().positive().optional(),
  /** CEFR-style level. @example "B1" */
  proficiency_level: z.string().min(1).optional(),
  teaching_stage: z.number().int().optional(),
  stage_name: z.string().optional(),
  stage_description: z.string().optional(),
  description: z.string().optional(),
  /** A list, or one comma-separated string as Hugo writes it. @example "docker, images, build" */
  keywords: z.union([z.array(z.string()), z.string()]).optional(),
  /** lessonproof's own settings for this lesson (tolerances, timeouts): see harness/settings. */
  lessonproof: LessonSettings.optional(),
  /** Objectives mapped to DigComp competences; either shape may have it. */
  digcomp_mapping: z
    .array(
      z.looseObject({
        objective_id: z.string(),
        competency_area: z.string(),
        competency: z.string(),
      }),
    )
    .optional(),
}

/**
 * The published shape: objectives with `objective` and `assessment_method`,
 * a `skills` list, `cognitive_load.new_concepts`.
 */
export const PublishedFrontmatter = z.looseObject({
  ...common,
  skills: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        proficiency_level: z.string().optional(),
        category: z.string().optional(),
        bloom_level: bloom.optional(),
        digcomp_area: z.string().optional(),
        measurable_at_this_level: z.string().optional(),
      }),
    )
    .optional(),
  learning_objectives: z
    .array(
      z.looseObject({
        objective: z.string().min(1),
        proficiency_level: z.string().optional(),
        bloom_level: bloom,
        assessment_method: z.string().optional(),
      }),
    )
    .optional(),
  cognitive_load: z.looseObject({ new_concepts: z.number().int().nonnegative() }).optional(),
})

/**
 * The earlier shape: objectives with `id` and `description`,
 * `cognitive_load.concepts_count`, a `digcomp_mapping` list.
 */
export const RevisionFrontmatter = z.looseObject({
  ...common,
  learning_objectives: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        description: z.string().min(1),
        bloom_level: bloom,
      }),
    )
    .optional(),
  cognitive_load: z
    .looseObject({
      concepts_count: z.number().int().nonnegative(),
      scaffolding_level: z.string().optional(),
    })
    .optional(),
})

/** Frontmatter without course objectives (a docs page, a blog post): only the shared keys are checked. */
export const OtherFrontmatter = z.looseObject({
  ...common,
  learning_objectives: z.unknown().optional(),
  cognitive_load: z.unknown().optional(),
})

export type PublishedFrontmatter = z.infer<typeof PublishedFrontmatter>
export type RevisionFrontmatter = z.infer<typeof RevisionFrontmatter>
export type OtherFrontmatter = z.infer<typeof OtherFrontmatter>

/** The language a frontmatter block is written in. */
export type FrontmatterFormat = 'yaml' | 'toml' | 'json'

/**
 * Frontmatter tagged with the shape its objectives have (`other` without course objectives).
 * `data` holds every key as written, except course keys that are wrong: those are left out and
 * reported on the Document as frontmatter problems.
 */
export type Frontmatter =
  | { shape: 'published'; format: FrontmatterFormat; data: PublishedFrontmatter }
  | { shape: 'revision'; format: FrontmatterFormat; data: RevisionFrontmatter }
  | { shape: 'other'; format: FrontmatterFormat; data: OtherFrontmatter }

/** The course's keys, as shown to an author whose key is wrong; each is checked only where present. */
export const FRONTMATTER_EXPECTED = [
  'where present: title: string, chapter: integer, lesson: integer, duration_minutes: number,',
  '  keywords: a list or a comma-separated string, and either',
  '  learning_objectives: [{ objective, bloom_level, assessment_method? }] (published shape), or',
  '  learning_objectives: [{ id, description, bloom_level }] (earlier shape)',
].join('\n')

/**
 * Which shape the author meant, from the objectives themselves: `id`/`description` is the
 * earlier shape, anything else the published one; no objectives at all is `other`. Other keys
 * (`digcomp_mapping`, `cognitive_load`) never switch it.
 */
export function frontmatterShape(data: Record<string, unknown>): Frontmatter['shape'] {
  const objectives = data.learning_objectives
  if (objectives === undefined) return 'other'
  const first = Array.isArray(objectives) ? (objectives[0] as Record<string, unknown> | undefined) : undefined
  if (first && typeof first === 'object' && ('id' in first || 'description' in first)) return 'revision'
  return 'published'
}
