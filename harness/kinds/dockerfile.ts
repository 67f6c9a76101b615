/** A Dockerfile version: it must parse, and every `COPY --from` must name an earlier stage. */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { isDockerfile, parseDockerfile, stageNamed } from '../dockerfile/index.js'
import type { Check } from '../model/index.js'
import { defineKind, fail, pass } from './kit/index.js'

export const dockerfile = defineKind({
  id: 'dockerfile',
  fields: {
    content: z.string(),
  },

  extract(x, emit) {
    for (const version of x.doc.files) {
      if (!isDockerfile(version)) continue
      emit({
        line: version.line,
        title: `${version.name} parses and every COPY --from names a stage`,
        // A version is known by what it holds: editing it makes it another claim.
        quote: `${version.name} sha256:${createHash('sha256').update(version.content).digest('hex').slice(0, 12)}`,
        dockerfile: version.name,
        content: version.content,
      })
    }
  },

  check(claim) {
    const model = parseDockerfile(claim.content)
    const at = (line: number) => claim.source.line + line
    const parses: Check =
      model.problems.length === 0
        ? pass('parses', `${model.stages.length} stage(s), every instruction known`)
        : fail('parses', model.problems.map((p) => `line ${at(p.line)}: ${p.message}`).join('; '))
    const copies = model.stages.flatMap((stage) =>
      stage.steps.filter((s) => s.from !== undefined).map((s) => ({ stage, step: s, ref: s.from ?? '' })),
    )
    const missing = copies.filter(
      ({ stage, ref }) => !stageNamed(model, ref, stage.index) && !/[:/.@]/.test(ref),
    )
    const name = 'COPY --from names an earlier stage'
    const stages: Check =
      missing.length === 0
        ? pass(
            name,
            copies.length ? `${copies.length} COPY --from, each naming an earlier stage` : 'no COPY --from',
          )
        : fail(
            name,
            missing
              .map(({ step, ref }) => `line ${at(step.line)}: COPY --from=${ref} names no earlier stage`)
              .join('; '),
            {
              expected: model.stages.map((s) => s.name ?? String(s.index)).join(', '),
              measured: missing.map((m) => m.ref).join(', '),
            },
          )
    return [parses, stages]
  },

  measured: false,
})
