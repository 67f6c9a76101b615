/** A `docker history` output as a whole: its layers against the size claimed for the same image. */
import { z } from 'zod'
import { finalStage } from '../dockerfile/index.js'
import { dockerSize, fmtPct, relativeDiffPct, Size } from '../model/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'
import { histories } from './readings/outputs.js'

export const history = defineKind({
  id: 'history',
  fields: {
    layers: z.array(z.object({ line: z.number().int().positive(), createdBy: z.string(), size: Size })),
    /** The output ends with `...`: older layers were left out. */
    truncated: z.boolean(),
  },

  extract(x, emit) {
    for (const h of x.read(histories)) {
      emit({
        line: h.table.line,
        title: `docker history of ${h.image} adds up to its size`,
        quote: `docker history ${h.image}`,
        ...x.about(h.it),
        image: h.image,
        layers: h.layers,
        truncated: h.truncated,
      })
    }
  },

  /**
   * A history's own layers (those created with the image, newer than the base) plus the base
   * image's stated size must come to the image's stated size.
   */
  check(claim, ctx) {
    const name = 'layers add up to the size claimed for the image'
    const it = ctx.iterations.of(claim)
    const stated = it ? ctx.statedSizeAnywhere(it) : undefined
    if (!it || !stated) return [blocked(name, `no size is stated for ${claim.image ?? 'this image'}`)]
    const table = ctx.doc.tables.find((t) => t.line === claim.source.line)
    const newest = table?.rows[0]?.cells[1]
    const own = claim.layers.filter((l) => table?.rows.find((r) => r.line === l.line)?.cells[1] === newest)
    const ownBytes = own.reduce((sum, l) => sum + l.size.bytes, 0)
    const found = ctx.dockerfileOf(it)
    const baseImage = found ? finalStage(found.model)?.image : undefined
    const baseClaim = ctx.familyClaims.find(
      (c): c is typeof c & { size: Size } => c.kind === 'base-image-size' && c.baseImage === baseImage,
    )
    const image = stated.size
    if (ownBytes > image.bytes + image.rounding) {
      return [
        fail(
          name,
          `the image's own layers alone add up to ${dockerSize(ownBytes)}, more than the ${image.text} stated at line ${stated.line}`,
          { expected: image.text, measured: dockerSize(ownBytes) },
        ),
      ]
    }
    if (!baseClaim) {
      return [
        blocked(
          name,
          `no size is stated for the base image ${baseImage ?? '?'}, so the layers cannot be added up`,
        ),
      ]
    }
    const tol = ctx.settings.size_tolerance_pct
    const total = ownBytes + baseClaim.size.bytes
    const diff = relativeDiffPct(total, image.bytes)
    const sum = `${own.length} layers of its own (${dockerSize(ownBytes)}) + ${baseImage} (${baseClaim.size.text}, line ${baseClaim.source.line}) = ${dockerSize(total)}`
    if (diff <= tol)
      return [pass(name, `${sum}, ${fmtPct(diff)} from the ${image.text} stated at line ${stated.line}`)]
    const unexplained =
      claim.truncated || own.length < claim.layers.length
        ? ''
        : '; the output shows no base layers and no `...`'
    return [
      fail(
        name,
        `${sum}, but line ${stated.line} says the image is ${image.text} (${fmtPct(diff)} apart, beyond ±${tol}%)${unexplained}`,
        { expected: image.text, measured: dockerSize(total) },
      ),
    ]
  },

  // Each row is a layer-size claim of its own, and those are measured.
  measured: false,
})
