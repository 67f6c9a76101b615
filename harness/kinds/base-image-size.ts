/** A base image's size, from a table or prose. @example python:3.12-slim ~150MB */
import { z } from 'zod'
import { dockerSize, fmtPct, relativeDiffPct, Size } from '../model/index.js'
import { agree } from './image-size.js'
import { blocked, defineKind, fail, MEASURED, pass, sameImage, sameImageLoosely } from './kit/index.js'
import { imageNames } from './readings/images.js'
import { imageRows, inspectedSizes } from './readings/outputs.js'
import { sentenceNumbers } from './readings/prose.js'
import { baseImageRows } from './readings/tables.js'

const CONSISTENT = 'agrees with the other statements of the same fact'

export const baseImageSize = defineKind({
  id: 'base-image-size',
  fields: {
    baseImage: z.string(),
    size: Size,
  },

  extract(x, emit) {
    for (const row of x.read(baseImageRows)) {
      emit({
        line: row.line,
        title: `base image ${row.baseImage} is ${row.size.text}`,
        quote: row.quote,
        subject: row.baseImage,
        baseImage: row.baseImage,
        size: row.size,
      })
    }
    for (const { bases } of x.read(sentenceNumbers)) {
      for (const b of bases) {
        emit({
          line: b.line,
          title: `base image ${b.baseImage} is ${b.size.text}`,
          quote: b.quote,
          subject: b.baseImage,
          baseImage: b.baseImage,
          size: b.size,
        })
      }
    }
    // An image the document pulls or starts FROM, listed by `docker images` or inspected.
    const names = x.read(imageNames)
    const base = (ref: string) =>
      !x.iterations.byTag(ref) &&
      !names.built.some((b) => sameImageLoosely(ref, b)) &&
      names.bases.some((b) => sameImageLoosely(ref, b))
    for (const row of [...x.read(imageRows), ...x.read(inspectedSizes)]) {
      if (!base(row.image)) continue
      const how = 'origin' in row ? 'docker images' : 'docker image inspect'
      emit({
        line: row.line,
        title: `base image ${row.image} is ${row.size.text} (${how})`,
        subject: row.image,
        baseImage: row.image,
        size: row.size,
      })
    }
  },

  check(claim, ctx) {
    const tol = ctx.settings.size_tolerance_pct
    const all = ctx.family.docs.flatMap(({ doc, claims }) =>
      claims
        .filter(
          (c) => c.kind === claim.kind && c !== claim && sameImage(String(c.baseImage), claim.baseImage),
        )
        .map((c) => ({ c: c as typeof claim, doc })),
    )
    if (all.length === 0) return []
    const bad = all.filter(({ c, doc }) =>
      doc === ctx.doc
        ? !agree(claim.size, c.size, tol)
        : relativeDiffPct(claim.size.bytes, c.size.bytes) > tol,
    )
    const list = (xs: typeof all) =>
      xs.map(({ c }) => `${c.size.text} at ${ctx.where(c.source.file, c.source.line)}`).join(', ')
    if (bad.length > 0) {
      return [
        fail(CONSISTENT, `says ${claim.baseImage} is ${claim.size.text}; also stated: ${list(bad)}`, {
          expected: claim.size.text,
          measured: list(bad),
        }),
      ]
    }
    return [pass(CONSISTENT, `agrees with ${list(all)}`)]
  },

  measured: {
    needs: (claim) => (claim.baseImage === 'scratch' ? [] : [{ kind: 'base-image', ref: claim.baseImage }]),
    staticReason: (claim) => `needs ${claim.baseImage} pulled; this run is static (--static)`,
    judge(claim, ctx) {
      if (claim.baseImage === 'scratch') {
        const ok = claim.size.bytes <= claim.size.rounding
        const reason = `scratch is Docker's empty image: 0 bytes, not an image to pull`
        return [ok ? pass(MEASURED, reason) : fail(MEASURED, reason)]
      }
      const found = ctx.facts?.baseImages[claim.baseImage]
      if (!found) return [blocked(MEASURED, `no iteration builds from ${claim.baseImage}`)]
      if ('missing' in found)
        return [blocked(MEASURED, `${claim.baseImage} is not available to this engine (${found.missing})`)]
      const diff = relativeDiffPct(found.size, claim.size.bytes)
      const measured = dockerSize(found.size)
      const more = { expected: claim.size.text, measured }
      return [
        diff <= ctx.settings.size_tolerance_pct
          ? pass(MEASURED, `${claim.baseImage} measures ${measured}`, more)
          : fail(
              MEASURED,
              `${claim.baseImage} measures ${measured}, ${fmtPct(diff)} from ${claim.size.text}`,
              more,
            ),
      ]
    },
  },
})
