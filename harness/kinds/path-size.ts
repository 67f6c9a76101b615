/**
 * A path's size as `du -sh` or `ls -lh` prints it: the same path stated twice must agree, a file
 * the document writes is the size of what it writes, and an image that holds a binary is no
 * smaller than the binary.
 */
import { z } from 'zod'
import { finalStage, parseDockerfile } from '../dockerfile/index.js'
import { type Check, dockerSize, fmtPct, relativeDiffPct, Size, sizeInterval } from '../model/index.js'
import { agree } from './image-size.js'
import { blocked, type CheckContext, defineKind, fail, pass } from './kit/index.js'
import { pathSizes } from './readings/outputs.js'

const CONSISTENT = 'agrees with the other statements of the same fact'
const WRITTEN = 'matches the file the document writes'
const HOLDS = 'the image that holds it is no smaller'

/** The last part of a path: what `COPY app /app` and `ls -lh ./app` have in common. */
const leaf = (path: string) => path.replace(/\/+$/, '').split('/').pop() ?? path

export const pathSize = defineKind({
  id: 'path-size',
  fields: {
    path: z.string(),
    size: Size,
    /** `du` rounds up to whole blocks; `ls -l` gives a file's length. */
    tool: z.enum(['du', 'ls']),
  },

  extract(x, emit) {
    for (const p of x.read(pathSizes)) {
      emit({
        line: p.line,
        title: `${p.path} is ${p.size.text} (${p.tool === 'du' ? 'du -sh' : 'ls -l'}${p.image ? ` in ${p.image}` : ''})`,
        subject: p.image ? `${p.image} ${p.path}` : p.path,
        ...(p.image ? { image: p.image } : {}),
        path: p.path,
        size: p.size,
        tool: p.tool,
      })
    }
  },

  check(claim, ctx) {
    const checks: Check[] = []
    const tol = ctx.settings.size_tolerance_pct
    const same = ctx.claims.filter(
      (c): c is typeof claim =>
        c.kind === claim.kind &&
        c !== claim &&
        c.path === claim.path &&
        c.tool === claim.tool &&
        c.image === claim.image,
    )
    const disagree = same.filter((c) => !agree(claim.size, c.size, tol))
    if (disagree.length > 0) {
      const list = disagree.map((c) => `${c.size.text} at line ${c.source.line}`).join(', ')
      checks.push(fail(CONSISTENT, `says ${claim.size.text}, but the document also says ${list}`))
    } else if (same.length > 0) {
      checks.push(pass(CONSISTENT, `agrees with lines ${same.map((c) => c.source.line).join(', ')}`))
    }
    // `ls -l` of a file the document writes, on the host: its length is the text written.
    const written =
      claim.tool === 'ls' && !claim.image
        ? writtenFile(ctx.doc.files, claim.path, claim.source.line)
        : undefined
    if (written) {
      const bytes = Buffer.byteLength(`${written.content}\n`)
      const [lo, hi] = sizeInterval(claim.size, 0)
      const near = bytes >= lo - 1 && bytes <= hi + 1
      const what = `${written.name} as the document writes it (line ${written.line}) is ${bytes} bytes`
      checks.push(
        near
          ? pass(WRITTEN, what)
          : fail(WRITTEN, `${what} (${dockerSize(bytes)}), not ${claim.size.text}`, {
              expected: claim.size.text,
              measured: `${bytes} bytes`,
            }),
      )
    }
    checks.push(...heldBy(claim, ctx))
    if (checks.length === 0)
      return [
        blocked(
          CONSISTENT,
          `nothing else in the document states the size of ${claim.path}, and lessonproof does not measure paths`,
        ),
      ]
    return checks
  },

  measured: false,
})

function writtenFile(
  files: { name: string; line: number; content: string }[],
  path: string,
  line: number,
): { name: string; line: number; content: string } | undefined {
  const wanted = path.replace(/^\.\//, '')
  return [...files]
    .reverse()
    .find((f) => f.line < line && (f.name === wanted || f.name.endsWith(`/${wanted}`)))
}

/**
 * A binary the document lists (`ls -lh app`) and an image whose final stage copies it: the image
 * holds the binary, so its stated size is at least the binary's.
 */
function heldBy(
  claim: { path: string; size: Size; tool: 'du' | 'ls'; source: { line: number } },
  ctx: CheckContext,
): Check[] {
  if (claim.tool !== 'ls') return []
  const checks: Check[] = []
  for (const it of ctx.iterations.all) {
    const file = it.files[it.dockerfile]
    if (!file || it.line < claim.source.line) continue
    const final = finalStage(parseDockerfile(file.content))
    const copies = final?.steps.some(
      (s) =>
        (s.keyword === 'COPY' || s.keyword === 'ADD') &&
        s.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1)
          .some((src) => leaf(src) === leaf(claim.path)),
    )
    const stated = copies ? ctx.statedSize(it) : undefined
    if (!stated) continue
    const [, imageHi] = sizeInterval(stated.size, ctx.settings.size_tolerance_pct)
    const [binaryLo] = sizeInterval(claim.size, 0)
    const diff = relativeDiffPct(stated.size.bytes, claim.size.bytes)
    checks.push(
      imageHi >= binaryLo
        ? pass(
            HOLDS,
            `${it.tag} copies it and is stated as ${stated.size.text} (line ${stated.line}, ${fmtPct(diff)} apart)`,
          )
        : fail(
            HOLDS,
            `${it.tag} copies ${claim.path} into its final stage, but line ${stated.line} states the image as ${stated.size.text}, smaller than the ${claim.size.text} file it holds`,
            { expected: `at least ${claim.size.text}`, measured: stated.size.text },
          ),
    )
  }
  return checks
}
