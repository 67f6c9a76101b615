/** `--changed [BASE]`: the documents changed since a git ref, with the rest of their families. */
import { relative, resolve, sep } from 'node:path'
import { execa } from 'execa'
import { UsageError } from '../errors.js'
import { collectDocuments, displayPath } from '../verify/index.js'
import { byCodeUnits, familyOf, familyOnDisk } from './families.js'

/** Runs git with these arguments in the run's directory and returns its stdout. */
export type Git = (args: string[]) => Promise<string>

/** git through execa, in `cwd`. */
export function gitIn(cwd: string): Git {
  return async (args) => (await execa('git', args, { cwd, stripFinalNewline: false })).stdout
}

/** git's empty tree: the base of a repository's first commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

async function tries(git: Git, args: string[]): Promise<string | undefined> {
  try {
    return (await git(args)).trim() || undefined
  } catch {
    return undefined
  }
}

/**
 * The ref to compare with when none is given: where HEAD left the default branch
 * (`git merge-base HEAD origin/HEAD`), else where it left its upstream, else its parent
 * (on a pull request's merge commit, the base branch), else the empty tree.
 */
export async function defaultBase(git: Git): Promise<{ base: string; why: string }> {
  for (const ref of ['origin/HEAD', '@{upstream}']) {
    const base = await tries(git, ['merge-base', 'HEAD', ref])
    if (base) return { base, why: `merge base of HEAD and ${ref}` }
  }
  if (await tries(git, ['rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}']))
    return { base: 'HEAD~1', why: 'the parent of HEAD' }
  return { base: EMPTY_TREE, why: 'no earlier commit: every document counts as changed' }
}

export interface ChangedOptions {
  /** Files or directories the changes are looked for in (as the CLI's paths). */
  paths: string[]
  cwd: string
  /** The git ref to compare with; `defaultBase` when absent. */
  base?: string
  git?: Git
}

export interface Changed {
  base: string
  why: string
  /** The changed documents and the rest of their families, relative to `cwd`, in path order. */
  documents: string[]
  /** The changed documents alone. */
  changed: string[]
}

const split = (out: string) => out.split('\0').filter((p) => p !== '')

/**
 * Documents under `paths` that differ from `base` in the working tree (committed or not) or are
 * new and untracked, with every other document of their families: a changed card brings its
 * lesson, a changed lesson its card, earlier revision and export. Deleted files are left out.
 */
export async function changedDocuments(options: ChangedOptions): Promise<Changed> {
  const git = options.git ?? gitIn(options.cwd)
  const top = await tries(git, ['rev-parse', '--show-toplevel'])
  if (!top) throw new UsageError(`--changed needs a git repository; ${options.cwd} is not in one`)
  const chosen = options.base ? { base: options.base, why: 'given' } : await defaultBase(git)
  if (options.base && !(await tries(git, ['rev-parse', '--verify', '--quiet', `${options.base}^{tree}`])))
    throw new UsageError(`--changed: '${options.base}' is not a commit or tree git knows here`)
  const scope = options.paths.length > 0 ? options.paths : ['.']
  // Names come back relative to the top of the repository (--full-name for ls-files).
  const diffed = split(
    await git(['diff', '--name-only', '-z', '--diff-filter=d', chosen.base, '--', ...scope]),
  )
  const untracked = split(
    await git(['ls-files', '-z', '--others', '--exclude-standard', '--full-name', '--', ...scope]),
  )
  // Only what a run of these paths would read (no housekeeping files, no README that is not a
  // Docker document), by the same collector.
  const collected = new Set(
    (await collectDocuments(scope.map((p) => resolve(options.cwd, p)))).map((p) =>
      displayPath(p, options.cwd),
    ),
  )
  const changed = [...new Set([...diffed, ...untracked])]
    .map((p) => relative(options.cwd, resolve(top, p)).split(sep).join('/'))
    .filter((p) => collected.has(p))
    .sort(byCodeUnits)
  const documents = new Set<string>()
  for (const family of new Set(changed.map(familyOf))) {
    for (const doc of await familyOnDisk(family, options.cwd)) documents.add(doc)
  }
  return { ...chosen, changed, documents: [...documents].sort(byCodeUnits) }
}
