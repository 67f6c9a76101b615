import { z } from 'zod'

/** Which builder wrote a log: BuildKit (`docker build` since Docker 23, `docker buildx build`) or the classic one. */
export const BuilderKind = z.enum(['buildkit', 'classic'])
export type BuilderKind = z.infer<typeof BuilderKind>

/**
 * How the log was printed.
 * - `plain`: BuildKit's `--progress=plain` (`#5 [builder 2/4] RUN …`, `#5 DONE 1.2s`)
 * - `tty`: BuildKit's terminal screen as lessons paste it (`[+] Building 45.2s (9/9) FINISHED`, ` => …`)
 * - `classic`: the classic builder (`Step 1/5 : FROM …`)
 */
export const LogShape = z.enum(['plain', 'tty', 'classic'])
export type LogShape = z.infer<typeof LogShape>

/** How a step ended, as far as the log shows. `running`: the log ends (or was cut) before it did. */
export const StepStatus = z.enum(['done', 'cached', 'error', 'canceled', 'running'])
export type StepStatus = z.infer<typeof StepStatus>

/** A numbered step of a Dockerfile stage: `[builder 2/4] RUN …`, or the classic builder's `Step 2/9 : RUN …`. */
export const BuildStep = z.object({
  /** 1-based line of the log that shows the step first. */
  line: z.number().int().positive(),
  /**
   * The stage as BuildKit names it: the `AS` name, `stage-<index>` for an unnamed stage of a
   * multi-stage build; absent when the log names none (a single-stage build, the classic builder).
   * @example "builder"
   */
  stage: z.string().optional(),
  /** The platform BuildKit shows before the stage when building for several. @example "linux/arm64" */
  platform: z.string().optional(),
  /** n of `[n/total]`: the step's place in its stage (BuildKit) or in the whole file (classic). */
  index: z.number().int().nonnegative(),
  /** total of `[n/total]`. ONBUILD triggers run past it (`[3/2]`). */
  total: z.number().int().nonnegative(),
  /** The instruction's keyword, upper case. @example "COPY" */
  keyword: z.string(),
  /** The instruction as the log shows it, from the keyword on. @example "COPY requirements.txt ." */
  instruction: z.string(),
  /** The text ends in `...`/`…`: cut short by the terminal or by hand; what is shown is a prefix. */
  truncated: z.boolean(),
  /** Taken from the cache (`CACHED`, ` ---> Using cache`). */
  cached: z.boolean(),
  status: StepStatus,
  /** Seconds the log gives for the step, when it gives any. */
  seconds: z.number().nonnegative().optional(),
  /** Lines the step printed (`#5 0.512 text`, ` => => # text`, or the classic builder's output), in order. */
  output: z.array(z.string()),
  /** `#N` of a plain log: BuildKit's vertex number, which differs from run to run. */
  vertex: z.number().int().nonnegative().optional(),
})
export type BuildStep = z.infer<typeof BuildStep>

/**
 * A vertex of the build that is not a numbered step: `[internal] load build definition from Dockerfile`,
 * `[auth] …`, `exporting to image`, the unnumbered `FROM` of a `COPY --from=<image>`.
 */
export const OtherVertex = z.object({
  line: z.number().int().positive(),
  kind: z.enum(['internal', 'auth', 'export', 'source', 'other']),
  /** The name as shown, without `CACHED`/`ERROR` and the duration. */
  name: z.string(),
  cached: z.boolean(),
  status: StepStatus,
  seconds: z.number().nonnegative().optional(),
  vertex: z.number().int().nonnegative().optional(),
})
export type OtherVertex = z.infer<typeof OtherVertex>

/** BuildKit's `(n/m)`: vertices completed of those known, and whether the build FINISHED. */
export const Progress = z.object({
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  finished: z.boolean(),
  /** Counted from a plain log's vertices (a plain log prints no count); shown by a TTY log otherwise. */
  counted: z.boolean(),
})
export type Progress = z.infer<typeof Progress>

/** Why the build failed, as the builder says it. */
export const BuildFailure = z.object({
  /** The builder's message. @example "executor failed running [/bin/sh -c ls /x]: exit code: 2" */
  message: z.string(),
  /** The step that failed, as the log labels it. @example "[3/4] RUN ls /x" */
  step: z.string().optional(),
  /** The failing step's last lines of output. */
  output: z.array(z.string()),
})
export type BuildFailure = z.infer<typeof BuildFailure>

/** A build log read into its steps: what a claimed log and a real one are compared on. */
export const BuildLog = z.object({
  builder: BuilderKind,
  shape: LogShape,
  /** The `$ docker build …` line a lesson shows before the log. */
  command: z.string().optional(),
  /** Numbered steps, in the order the log shows them. */
  steps: z.array(BuildStep),
  /** Every other vertex (`[internal] …`, `exporting to image`), kept apart from the steps. */
  vertices: z.array(OtherVertex),
  progress: Progress.optional(),
  /** Seconds of the whole build: `[+] Building 45.2s`. */
  seconds: z.number().nonnegative().optional(),
  /** Lines where the log marks an elision (a `...` or `…` line): steps may be left out there. */
  elisions: z.array(z.number().int().positive()),
  failure: BuildFailure.optional(),
  /** The image written: `writing image sha256:…`, `Successfully built …`. */
  imageId: z.string().optional(),
  /** Names the image was given: `naming to …`, `Successfully tagged …`. */
  tags: z.array(z.string()),
})
export type BuildLog = z.infer<typeof BuildLog>

/** The label a step is shown with: `[builder 2/4]`, `[2/4]`, or the classic builder's `Step 2/4`. */
export function stepLabel(step: Pick<BuildStep, 'stage' | 'platform' | 'index' | 'total'>): string {
  const prefix = [step.platform, step.stage].filter(Boolean).join(' ')
  return `[${prefix ? `${prefix} ` : ''}${step.index}/${step.total}]`
}

/** What a claimed log gets wrong against the real one. */
export const DifferenceKind = z.enum([
  /** The logs come from different builders (a BuildKit log against a classic build): not comparable step by step. */
  'builder',
  /** The claimed log names a stage the build does not have. */
  'stage',
  /** A step's `[n/total]` total differs from the stage's. */
  'numbering',
  /** The claimed log shows a step the build does not have at that place. */
  'unexpected-step',
  /** The build ran a step the claimed log leaves out without marking an elision. */
  'missing-step',
  /** Same place, other instruction. */
  'instruction',
  /** A stage's steps shown out of their order. */
  'order',
  /** The claimed log shows CACHED where the build ran the step. */
  'cached',
  /** `(n/m) FINISHED` differs. */
  'finished',
])
export type DifferenceKind = z.infer<typeof DifferenceKind>

export const Difference = z.object({
  kind: DifferenceKind,
  /** Line of the claimed log it is about (1-based), when it is about one. */
  line: z.number().int().positive().optional(),
  message: z.string(),
})
export type Difference = z.infer<typeof Difference>

/** A claimed log held against a real one. */
export const Comparison = z.object({
  ok: z.boolean(),
  differences: z.array(Difference),
  /** The two logs, volatile parts left out, as vitest shows a difference (`- Expected` the claimed, `+ Received` the real). */
  diff: z.string(),
})
export type Comparison = z.infer<typeof Comparison>
