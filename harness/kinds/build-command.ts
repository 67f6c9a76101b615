/**
 * A `docker build` command: it must name a Dockerfile the document defines before it, and what
 * that Dockerfile copies must be files the document defines under the names it copies.
 */
import { z } from 'zod'
import { isDockerfile, parseDockerfile } from '../dockerfile/index.js'
import type { Check, FileVersion } from '../model/index.js'
import { dockerBuild, filesAt, headingPathAt, inReaderSection, resolveFile } from '../parse/index.js'
import { blocked, defineKind, documentLine, fail, pass } from './kit/index.js'

const NAMES = 'names a Dockerfile the lesson defines'
const COPIES = 'copies files under the names the lesson gives them'

/** Edits that turn one name into another (Levenshtein), counted only up to `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost))
    }
    previous = row
  }
  return previous[b.length] ?? max + 1
}

/**
 * A file the document defines under a name close to one a COPY names but does not find
 * (`app/setting.yml` defined, `app/settings.yml` copied): the same directory and extension, a
 * name one or two edits away (one for short names).
 */
export function nearName(wanted: string, defined: string[]): string | undefined {
  const dir = (p: string) => p.replace(/[^/]*$/, '')
  const base = (p: string) => p.slice(dir(p).length)
  const ext = (p: string) => /\.[^./]*$/.exec(p)?.[0] ?? ''
  const close = defined.filter((d) => {
    if (dir(d) !== dir(wanted) || ext(d) !== ext(wanted)) return false
    const limit = base(wanted).length <= 6 ? 1 : 2
    return editDistance(base(d).toLowerCase(), base(wanted).toLowerCase(), limit) <= limit
  })
  return close.length === 1 ? close[0] : undefined
}

/** Sources of the COPY and ADD instructions of every stage (not `--from`, not URLs or globs). */
function copiedSources(version: FileVersion): { source: string; line: number }[] {
  const model = parseDockerfile(version.content)
  return model.stages.flatMap((stage) =>
    stage.steps.flatMap((step) => {
      if ((step.keyword !== 'COPY' && step.keyword !== 'ADD') || step.from !== undefined) return []
      const args = step.args.startsWith('[')
        ? ((): string[] => {
            try {
              return JSON.parse(step.args) as string[]
            } catch {
              return []
            }
          })()
        : step.args.split(/\s+/)
      const operands = args.filter((a) => !a.startsWith('--'))
      return operands
        .slice(0, -1)
        .filter((s) => !/[*?[\]$]|^https?:|^git@|^\.?\/?$/.test(s))
        .map((s) => ({
          source: s.replace(/^\.\//, '').replace(/\/$/, ''),
          line: documentLine(version, step.line),
        }))
    }),
  )
}

export const buildCommand = defineKind({
  id: 'build-command',
  fields: {
    command: z.string(),
  },

  extract(x, emit) {
    for (const command of x.doc.commands) {
      const build = dockerBuild(command.argv)
      if (!build) continue
      emit({
        line: command.line,
        title: `docker build -f ${build.file} names a Dockerfile the lesson defines`,
        quote: command.text,
        ...(build.tag ? { image: build.tag } : {}),
        dockerfile: build.file,
        command: command.text,
      })
    }
  },

  check(claim, ctx) {
    const file = claim.dockerfile ?? 'Dockerfile'
    const line = claim.source.line
    const { version, reference } = resolveFile(ctx.doc, file, line)
    if (version) {
      const checks: Check[] = [pass(NAMES, `${file} is defined at line ${version.line}`)]
      if (version.templates?.length) {
        checks.push(
          blocked(
            NAMES,
            `${file} (line ${version.line}) holds template syntax (${version.templates[0]?.text}), which the reader fills in before it builds`,
          ),
        )
        return checks
      }
      return [...checks, ...copies(version, filesAt(ctx.doc.files, line))]
    }
    // A Dockerfile the document uses without showing it: the reason says where it lives.
    if (reference && reference.kind !== 'not-shown') return [blocked(NAMES, reference.reason)]
    // A document that shows no Dockerfile at all documents a project that has them (a README).
    if (!ctx.doc.files.some((f) => isDockerfile(f)))
      return [
        blocked(
          NAMES,
          `the document shows no Dockerfile at all: ${file} is the project's own, not shown here`,
        ),
      ]
    if (inReaderSection(ctx.doc, line))
      return [
        blocked(
          NAMES,
          `builds the reader's own project ("${headingPathAt(ctx.doc, line).join(' > ')}"), which the lesson does not show`,
        ),
      ]
    const known = [
      ...new Set(ctx.doc.files.filter((f) => isDockerfile(f) && f.line < line).map((f) => f.name)),
    ]
    return [
      fail(
        NAMES,
        `${file} is not defined before line ${line}${known.length ? ` (the lesson defines ${known.join(', ')})` : ''}`,
        { expected: file, measured: known.join(', ') || 'no Dockerfile' },
      ),
    ]
  },

  measured: false,
})

/** A COPY of a name the document does not define, when it defines a file under a close name. */
function copies(version: FileVersion, files: Record<string, FileVersion>): Check[] {
  const defined = Object.keys(files)
  const wrong = copiedSources(version).flatMap(({ source, line }) => {
    if (files[source] !== undefined) return []
    const dir = `${source}/`
    if (defined.some((d) => d.startsWith(dir))) return []
    const near = nearName(source, defined)
    return near ? [{ source, line, near }] : []
  })
  if (wrong.length === 0) return []
  return [
    fail(
      COPIES,
      wrong
        .map(
          (w) =>
            `line ${w.line} copies ${w.source}, but the lesson defines ${w.near} (line ${files[w.near]?.line}), not ${w.source}`,
        )
        .join('; '),
      { expected: wrong.map((w) => w.near).join(', '), measured: wrong.map((w) => w.source).join(', ') },
    ),
  ]
}
