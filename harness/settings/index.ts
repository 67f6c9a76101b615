/**
 * Every setting a person can give lessonproof, defined once: one name from the CLI flag
 * (`--size-tolerance-pct`) to the frontmatter key (`lessonproof: { size_tolerance_pct }`) to the
 * variable (`settings.size_tolerance_pct`), one default, one resolver that says which source won.
 *
 * Precedence, most specific first: the lesson's frontmatter, then the command line, then the
 * default. A lesson's own tolerance is its author's statement about its own numbers.
 */
import { z } from 'zod'

interface SettingDefinition<T extends z.ZodType> {
  schema: T
  default: z.infer<T>
  /** Whether a lesson's frontmatter may set it (under `lessonproof:`). */
  perLesson: boolean
  /** One line for `--help` and the README. */
  doc: string
  /** What `--help` shows after the flag. @default "N" */
  placeholder?: string
}

function setting<T extends z.ZodType>(def: SettingDefinition<T>): SettingDefinition<T> {
  return def
}

const positive = z.coerce.number().positive()

/** The settings table. Adding a setting is adding a row. */
export const SETTINGS = {
  size_tolerance_pct: setting({
    schema: positive,
    default: 15,
    perLesson: true,
    doc: 'relative tolerance for sizes, in percent',
  }),
  reduction_tolerance_pts: setting({
    schema: positive,
    default: 5,
    perLesson: true,
    doc: 'tolerance for reductions, in percentage points',
  }),
  health_timeout_s: setting({
    schema: positive.max(600),
    default: 60,
    perLesson: true,
    doc: 'seconds to wait for /health to answer (at most 600)',
  }),
  build_timeout_s: setting({
    schema: positive.max(7200),
    default: 600,
    perLesson: true,
    doc: 'seconds a build may take',
  }),
  concurrency: setting({
    schema: z.coerce.number().int().positive().max(16),
    default: 2,
    perLesson: false,
    doc: 'iterations built at once',
  }),
  memory_mb: setting({
    schema: z.coerce.number().int().min(16),
    default: 512,
    perLesson: false,
    doc: 'memory limit of each app container, in MiB (swap is the same: none beyond it)',
  }),
  cpus: setting({
    schema: positive.max(64),
    default: 1,
    perLesson: false,
    doc: 'CPU limit of each app container',
  }),
  step_timeout_s: setting({
    schema: positive.max(3600),
    default: 120,
    perLesson: true,
    doc: 'seconds one command of a walked lesson may take (a block can set its own: timeout=S)',
  }),
  workstation: setting({
    schema: z.string().regex(/^$|^[\w][\w.\-/:@]*$/, 'an image reference'),
    default: '',
    perLesson: true,
    doc: "image a lesson's steps run in (default: lessonproof's own, from Debian's archive)",
  }),
  workstation_packages: setting({
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter((p) => p !== '') : v),
      z.array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name')),
    ),
    default: [] as string[],
    perLesson: true,
    doc: "Debian packages added to lessonproof's workstation image (golang-go, git…)",
  }),
  pids_limit: setting({
    schema: z.coerce.number().int().min(8).max(65536),
    default: 256,
    perLesson: false,
    doc: 'processes each app container may run at once',
  }),
  max_builds: setting({
    schema: z.coerce.number().int().positive(),
    default: 200,
    perLesson: false,
    doc: 'builds one run makes at most; iterations beyond are blocked',
  }),
  timing_tolerance_pct: setting({
    schema: positive.max(95),
    default: 50,
    perLesson: true,
    doc: 'how far a measured speed-up may fall short of the stated one, in percent',
  }),
  network: setting({
    schema: z.enum(['none', 'outbound']),
    default: 'none' as 'none' | 'outbound',
    perLesson: true,
    doc: 'what an app may reach: none (this machine only) or outbound',
    placeholder: 'none|outbound',
  }),
} as const

export type SettingName = keyof typeof SETTINGS
export type Settings = { [K in SettingName]: z.infer<(typeof SETTINGS)[K]['schema']> }
export type SettingSource = 'default' | 'command line' | 'frontmatter'

/** Settings with the source each value came from. */
export interface ResolvedSettings {
  values: Settings
  sources: Record<SettingName, SettingSource>
}

/** The CLI flag of a setting: `size_tolerance_pct` → `--size-tolerance-pct`. */
export function flagOf(name: SettingName): string {
  return `--${name.replace(/_/g, '-')}`
}

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[]

/** A setting that does not parse: which, from where, and what was given. */
export class SettingError extends Error {
  override readonly name = 'SettingError'
  constructor(
    readonly setting: SettingName,
    readonly source: SettingSource,
    readonly given: unknown,
    detail: string,
  ) {
    const where = source === 'command line' ? flagOf(setting) : `lessonproof.${setting}`
    super(`${where} ${detail}, got '${String(given)}'`)
  }
}

function parseOne(name: SettingName, source: SettingSource, raw: unknown) {
  const result = SETTINGS[name].schema.safeParse(raw)
  if (!result.success) {
    const issue = result.error.issues[0]
    const expected = issue?.code === 'invalid_type' ? issue.expected : undefined
    const detail = expected
      ? `must be ${expected === 'array' ? 'a list' : `a ${expected}`}`
      : `is invalid: ${issue?.message ?? 'bad value'}`
    throw new SettingError(name, source, raw, detail)
  }
  return result.data
}

/** Parses the settings given on the command line (strings or numbers), by name. */
export function parseCommandLine(raw: Partial<Record<SettingName, unknown>>): Partial<Settings> {
  const out: Partial<Record<SettingName, unknown>> = {}
  for (const name of SETTING_NAMES) {
    if (raw[name] !== undefined) out[name] = parseOne(name, 'command line', raw[name])
  }
  return out as Partial<Settings>
}

/**
 * Resolves every setting for one lesson: its frontmatter's `lessonproof:` block (already parsed
 * by the model), then the command line, then the default.
 */
export function resolveSettings(
  commandLine: Partial<Settings>,
  frontmatter: Partial<Record<string, unknown>> = {},
): ResolvedSettings {
  const values: Partial<Record<SettingName, unknown>> = {}
  const sources = {} as Record<SettingName, SettingSource>
  for (const name of SETTING_NAMES) {
    const own = SETTINGS[name].perLesson ? frontmatter[name] : undefined
    if (own !== undefined) {
      values[name] = parseOne(name, 'frontmatter', own)
      sources[name] = 'frontmatter'
    } else if (commandLine[name] !== undefined) {
      values[name] = commandLine[name]
      sources[name] = 'command line'
    } else {
      values[name] = SETTINGS[name].default
      sources[name] = 'default'
    }
  }
  return { values: values as Settings, sources }
}

/** The defaults alone. */
export const DEFAULT_SETTINGS: Settings = resolveSettings({}).values

/** The per-lesson settings as a zod schema, for the frontmatter's `lessonproof:` block. */
export const LessonSettings = z.looseObject(
  Object.fromEntries(
    SETTING_NAMES.filter((n) => SETTINGS[n].perLesson).map((n) => [n, SETTINGS[n].schema.optional()]),
  ) as { [K in SettingName]: z.ZodOptional<(typeof SETTINGS)[K]['schema']> },
)

export { EngineOptions, type EngineOptionsInput, RUN_LABEL } from './engine.js'
