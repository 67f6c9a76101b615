import { z } from 'zod'
import { LessonSettings } from '../settings/index.js'

const bloom = z.string().min(1)

/** Fields both frontmatter shapes of the course share. Unknown keys are kept. */
const common = {
  /** Document title. @example "Multi-Stage Builds & Optimization" */
  title: z.string().min(1),
  /** Docusaurus sidebar order. */
  sidebar_position: z.number().int().optional(),
  chapter: z.number().int().positive(),
  lesson: z.number().int().nonnegative(),
  /** Estimated time for a learner. */
  duration_minutes: z.number().positive(),
  /** CEFR-style level. @example "B1" */
  proficiency_level: z.string().min(1).optional(),
  teaching_stage: z.number().int().optional(),
  stage_name: z.string().optional(),
  stage_description: z.string().optional(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  /** lessonproof's own settings for this lesson (tolerances, timeouts): see harness/settings. */
  lessonproof: LessonSettings.optional(),
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
  learning_objectives: z.array(
    z.looseObject({
      objective: z.string().min(1),
      proficiency_level: z.string().optional(),
      bloom_level: bloom,
      assessment_method: z.string().optional(),
    }),
  ),
  cognitive_load: z.looseObject({ new_concepts: z.number().int().nonnegative() }).optional(),
})

/**
 * The earlier shape: objectives with `id` and `description`,
 * `cognitive_load.concepts_count`, a `digcomp_mapping` list.
 */
export const RevisionFrontmatter = z.looseObject({
  ...common,
  learning_objectives: z.array(
    z.looseObject({
      id: z.string().min(1),
      description: z.string().min(1),
      bloom_level: bloom,
    }),
  ),
  cognitive_load: z
    .looseObject({
      concepts_count: z.number().int().nonnegative(),
      scaffolding_level: z.string().optional(),
    })
    .optional(),
  digcomp_mapping: z
    .array(
      z.looseObject({
        objective_id: z.string(),
        competency_area: z.string(),
        competency: z.string(),
      }),
    )
    .optional(),
})

export type PublishedFrontmatter = z.infer<typeof PublishedFrontmatter>
export type RevisionFrontmatter = z.infer<typeof RevisionFrontmatter>

/** Frontmatter of either shape, tagged with the shape it matched. */
export type Frontmatter =
  | { shape: 'published'; data: PublishedFrontmatter }
  | { shape: 'revision'; data: RevisionFrontmatter }

/** The expected shapes, as shown to an author whose frontmatter matches neither. */
export const FRONTMATTER_EXPECTED = [
  'title: string, chapter: integer, lesson: integer, duration_minutes: number, and either',
  '  learning_objectives: [{ objective, bloom_level, assessment_method? }] (published shape), or',
  '  learning_objectives: [{ id, description, bloom_level }] (earlier shape)',
].join('\n')

/** Which shape the author meant: decided by the first learning objective's keys. */
export function frontmatterShape(data: Record<string, unknown>): 'published' | 'revision' {
  const objectives = data.learning_objectives
  const first = Array.isArray(objectives) ? (objectives[0] as Record<string, unknown> | undefined) : undefined
  if (first && typeof first === 'object' && ('id' in first || 'description' in first)) return 'revision'
  if ('digcomp_mapping' in data) return 'revision'
  return 'published'
}
