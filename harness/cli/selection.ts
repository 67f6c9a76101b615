/** Which documents a `verify` run takes: every one under its paths, or those `--changed` and `--shard` select. */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { changedDocuments, type Git, parseShard, planShards, weighFamilies } from '../select/index.js'
import { collectDocuments, displayPath } from '../verify/index.js'

/**
 * `--changed [BASE]` takes an optional value, which node's parseArgs cannot: a following word is
 * BASE unless it is an option, a command, or a file or directory that exists (a path to verify).
 * `--changed=BASE` is never ambiguous.
 */
export function takeChangedBase(argv: string[], cwd: string): { argv: string[]; base?: string } {
  const out: string[] = []
  let base: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg.startsWith('--changed=')) {
      out.push('--changed')
      base = arg.slice('--changed='.length)
      continue
    }
    out.push(arg)
    const next = argv[i + 1]
    if (
      arg === '--changed' &&
      next !== undefined &&
      !next.startsWith('-') &&
      !['verify', 'report'].includes(next) &&
      !existsSync(resolve(cwd, next))
    ) {
      base = next
      i++
    }
  }
  return base === undefined ? { argv: out } : { argv: out, base }
}

export interface SelectionOptions {
  paths: string[]
  cwd: string
  /** `--changed`: BASE, or `true` for the default base. */
  changed?: string | true
  /** `--shard i/n`. */
  shard?: string
  git?: Git
  /** Says what was selected, for stderr. */
  note: (line: string) => void
}

/** The documents under the paths (relative to `cwd`, as reports name them), narrowed as asked. */
export async function selectDocuments(
  options: SelectionOptions,
): Promise<{ all: string[]; selected: string[] }> {
  const { cwd } = options
  const shard = options.shard === undefined ? undefined : parseShard(options.shard)
  const all = (await collectDocuments(options.paths.map((p) => resolve(cwd, p)))).map((p) =>
    displayPath(p, cwd),
  )
  let selected = all
  if (options.changed !== undefined) {
    const changed = await changedDocuments({
      paths: options.paths,
      cwd,
      ...(options.changed === true ? {} : { base: options.changed }),
      ...(options.git ? { git: options.git } : {}),
    })
    options.note(
      `lessonproof: --changed since ${changed.base} (${changed.why}): ${changed.changed.length} changed, ${changed.documents.length} documents with their families`,
    )
    selected = changed.documents
  }
  if (shard) {
    const shards = planShards(await weighFamilies(selected, cwd), shard.count)
    const mine = shards[shard.index - 1] ?? []
    const iterations = mine.reduce((sum, f) => sum + f.iterations, 0)
    options.note(
      `lessonproof: shard ${shard.index}/${shard.count}: ${mine.length} lesson families, ${iterations} iterations`,
    )
    selected = mine.flatMap((f) => f.documents)
  }
  return { all, selected }
}
