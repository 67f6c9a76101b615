/** Something the lesson says an image has not: "no UV, no pip, no build tools", "does NOT include …". */
import { z } from 'zod'
import { finalStage, type Stage, stageNamed } from '../dockerfile/index.js'
import { blocked, defineKind, documentLine, fail, MEASURED, pass } from './kit/index.js'
import { proseItems, sentenceOf } from './readings/prose.js'

const HAS_NO =
  /\b(?:has|have|contains?)\s+no\s+(.+?)(?:---|—|,\s+(?:and|but|so|while)\s+(?!no\b)|\.(?:\s|$)|$)/gi
const NOT_INCLUDE = /\bdoes\s+not\s+include\s+(.+?)(?:---|—|\.(?:\s|$)|$)/gi
/** What "has no …" must speak of to say what an image holds: the image, its stage, "it". */
const IMAGE_SUBJECT = /\b(?:image|container|runtime|stage|it)\b[^.]*$/i
/** "has no effect", "has no need for": no thing that could be in an image. */
const ABSTRACT =
  /^(?:need|effect|impact|way|reason|idea|choice|longer|more|problem|issue|control|difference|bearing|place|use|time|say|say-so|benefit|advantage|downside)\b/i

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

/** Where a tool named without a slash is looked up: every PATH directory. */
export function binaryPaths(name: string): string[] {
  return PATH_DIRS.map((d) => `${d}/${name}`)
}

/** What an item the lesson says is gone would be, as something lessonproof can look for. */
export function contentsTarget(item: string): { kind: 'binary' | 'path'; name: string } | undefined {
  const i = item.toLowerCase()
  if (/^uv$/.test(i)) return { kind: 'binary', name: 'uv' }
  if (/^pip$/.test(i)) return { kind: 'binary', name: 'pip' }
  if (/pip cache/.test(i)) return { kind: 'path', name: '/root/.cache/pip' }
  if (/build tools|compilers?|gcc/.test(i)) return { kind: 'binary', name: 'gcc' }
  if (/^(a )?shell$/.test(i)) return { kind: 'binary', name: 'sh' }
  return undefined
}

/** The paths to look for in the image for an item. */
function pathsOf(item: string): string[] {
  const target = contentsTarget(item)
  if (!target) return []
  return target.kind === 'binary' ? binaryPaths(target.name) : [target.name]
}

/** Official python:* images ship pip; the full ones (not -slim, not -alpine) ship gcc too. */
function baseShips(image: string, binary: string): boolean {
  if (!/^(docker\.io\/)?(library\/)?python:/.test(image)) return false
  if (binary === 'pip' || binary === 'sh') return true
  if (binary === 'gcc') return !/slim|alpine/.test(image)
  return false
}

function installs(stage: Stage, binary: string): number | undefined {
  const re = new RegExp(
    String.raw`\b(?:pip|uv pip|pip3)\s+install\b[^&;|]*\s${binary}\b|\b(?:apt-get|apt|apk)\s+(?:install|add)\b[^&;|]*\s${binary === 'gcc' ? '(?:gcc|build-base|build-essential)' : binary}\b`,
  )
  return stage.steps.find((s) => s.keyword === 'RUN' && re.test(s.args))?.line
}

export const contents = defineKind({
  id: 'contents',
  fields: {
    item: z.string(),
    present: z.boolean(),
  },

  extract(x, emit) {
    for (const { prose, here } of x.read(proseItems)) {
      if (prose.kind === 'heading' || !here || !/\bno\b|\bnot\b/i.test(prose.text)) continue
      for (const pattern of [HAS_NO, NOT_INCLUDE]) {
        for (const m of prose.text.matchAll(pattern)) {
          // "uv has no lock step" speaks of a tool, not of what an image holds.
          if (
            pattern === HAS_NO &&
            !IMAGE_SUBJECT.test(prose.text.slice(Math.max(0, (m.index ?? 0) - 40), m.index))
          )
            continue
          const items = (m[1] ?? '')
            .split(/,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+/)
            .map((s) =>
              s
                .replace(/^no\s+/i, '')
                .replace(/\s+(?:at all|whatsoever|left|inside|in it|any ?more)$/i, '')
                .trim(),
            )
            .filter((s) => s.length > 0 && s.length < 40 && !ABSTRACT.test(s))
          for (const item of items) {
            emit({
              line: prose.line,
              title: `${here.tag} has no ${item}`,
              quote: sentenceOf(prose.text, m.index ?? 0),
              ...x.about(here),
              subject: `${here.tag} ${item}`,
              item,
              present: false,
            })
          }
        }
      }
    }
  },

  /**
   * Static evidence that something the lesson says is gone is in the image: its base ships it,
   * its final stage installs it, or it copies the directory another stage installed it into.
   * Absence itself needs the built image.
   */
  check(claim, ctx) {
    const found = ctx.dockerfileOf(ctx.iterations.of(claim))
    const target = contentsTarget(claim.item)
    const name = 'the Dockerfile does not put it there'
    if (!target) return [blocked(name, `"${claim.item}" is not a file or tool lessonproof can look for`)]
    if (!found) return []
    const final = finalStage(found.model)
    if (!final) return []
    const file = found.file.name
    const absent = { expected: `no ${target.name}` }
    if (target.kind === 'binary' && baseShips(final.image, target.name)) {
      return [
        fail(name, `the final stage starts FROM ${final.image}, which ships ${target.name}`, {
          ...absent,
          measured: `${target.name} from ${final.image}`,
        }),
      ]
    }
    if (target.kind === 'binary') {
      const own = installs(final, target.name)
      if (own)
        return [
          fail(
            name,
            `line ${documentLine(found.file, own)} installs ${target.name} in the final stage of ${file}`,
            {
              ...absent,
              measured: 'installed',
            },
          ),
        ]
      for (const step of final.steps.filter((s) => s.keyword === 'COPY' && s.from)) {
        const source = stageNamed(found.model, step.from ?? '', final.index)
        const at = source ? installs(source, target.name) : undefined
        const src = step.args.split(/\s+/).filter((a) => !a.startsWith('--'))[0] ?? ''
        // pip in python:* images puts console scripts in /usr/local/bin.
        if (source && at && ['/usr/local/bin', '/usr/local', '/'].includes(src.replace(/\/$/, '') || '/')) {
          return [
            fail(
              name,
              `${file} copies ${src} from the ${source.name ?? `stage ${source.index}`} stage at line ${documentLine(found.file, step.line)}, and line ${documentLine(found.file, at)} installed ${target.name} there (its executable lands in /usr/local/bin)`,
              {
                ...absent,
                measured: `/usr/local/bin/${target.name} copied from ${source.name ?? source.index}`,
              },
            ),
          ]
        }
      }
    }
    if (target.kind === 'path' && target.name === '/root/.cache/pip') {
      const cached = final.steps.find(
        (s) =>
          s.keyword === 'RUN' &&
          /\bpip3?\s+install\b/.test(s.args) &&
          !/--no-cache-dir|pip cache purge/.test(s.args),
      )
      if (cached)
        return [
          fail(
            name,
            `line ${documentLine(found.file, cached.line)} runs pip install without --no-cache-dir in the final stage of ${file}`,
          ),
        ]
    }
    return [
      pass(name, `${file} neither starts from an image that ships ${target.name} nor installs or copies it`),
    ]
  },

  measured: {
    needs: (claim, iterations) => {
      const it = iterations.of(claim)
      return it ? pathsOf(claim.item).map((path) => ({ kind: 'path' as const, iteration: it, path })) : []
    },
    judge(claim, ctx) {
      const paths = pathsOf(claim.item)
      if (paths.length === 0)
        return [blocked(MEASURED, `"${claim.item}" is not a file or tool lessonproof can look for`)]
      const r = ctx.measuredImage(ctx.iterations.of(claim))
      if (Array.isArray(r)) return r
      const found = paths.filter((p) => r.paths?.[p] === true)
      const looked = paths.filter((p) => r.paths?.[p] !== undefined)
      if (looked.length === 0) return [blocked(MEASURED, `${claim.item} was not looked for in this run`)]
      return [
        found.length === 0
          ? pass(MEASURED, `none of ${looked.join(', ')} is in the image`)
          : fail(MEASURED, `the built image has ${found.join(', ')}`, {
              expected: `no ${claim.item}`,
              measured: found.join(', '),
            }),
      ]
    },
  },
})
