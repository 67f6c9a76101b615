/**
 * `lessonproof verify --write-baseline [FILE]`: the engine run's measurements and verdicts as the
 * baseline drift compares with. Writing it is explicit, it never touches a lesson, and it is
 * written atomically (a failed write leaves the earlier baseline as it was).
 */
import { dirname, relative, resolve, sep } from 'node:path'
import { BASELINE_FILE, baselineOf, type MeasuredPlan, writeBaseline } from '../drift/index.js'
import { UsageError } from '../errors.js'
import type { Claim } from '../kinds/index.js'
import type { VerifyResult } from '../verify/index.js'
import { dockerClient } from './docker-client.js'

/**
 * `--write-baseline [FILE]` takes an optional value, which node's parseArgs cannot: the word after
 * it is FILE when it ends in `.json`; `--write-baseline=FILE` is never ambiguous.
 */
export function takeWriteBaseline(argv: string[]): { argv: string[]; file?: string } {
  const out: string[] = []
  let file: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg.startsWith('--write-baseline=')) {
      file = arg.slice('--write-baseline='.length)
      if (file === '') throw new UsageError('--write-baseline= names no file')
      continue
    }
    if (arg === '--write-baseline') {
      const next = argv[i + 1]
      if (next !== undefined && !next.startsWith('-') && next.endsWith('.json')) {
        file = next
        i++
      } else file = BASELINE_FILE
      continue
    }
    out.push(arg)
  }
  return file === undefined ? { argv: out } : { argv: out, file }
}

/** Refuses a baseline run that could not record what drift needs, before anything is built. */
export function checkBaselineRun(options: {
  file: string
  static: boolean
  partial: boolean
  documents: string[]
}): void {
  if (options.static)
    throw new UsageError(
      '--write-baseline records what an engine run measures; it cannot be used with --static',
    )
  if (options.partial)
    throw new UsageError(
      '--write-baseline writes the baseline of the whole run; it cannot be used with --changed or --shard',
    )
  if (options.documents.includes(options.file))
    throw new UsageError(
      `--write-baseline ${options.file} is a lesson document; lessonproof never writes a lesson`,
    )
}

/** Writes the baseline of an engine run to `file` (absolute); returns how many iterations it records. */
export async function writeBaselineFile(input: {
  file: string
  result: VerifyResult<Claim>
  runs: MeasuredPlan[]
  cwd: string
  lessonproof: string
  imageMap: Record<string, string>
  env: NodeJS.ProcessEnv
}): Promise<{ iterations: number; measured: number }> {
  const info = (await (await dockerClient(input.env)).info()) as Record<string, string | undefined>
  const dir = dirname(input.file)
  const baseline = baselineOf({
    result: input.result,
    runs: input.runs,
    engine: info,
    lessonproof: input.lessonproof,
    date: new Date(),
    imageMap: input.imageMap,
    pathOf: (path) => relative(dir, resolve(input.cwd, path)).split(sep).join('/'),
  })
  await writeBaseline(input.file, baseline)
  const iterations = baseline.documents.flatMap((d) => d.iterations)
  return { iterations: iterations.length, measured: iterations.filter((i) => i.status === 'measured').length }
}
