/** A Dockerfile version: it must parse, and every `COPY --from` must name an earlier stage. */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { isDockerfile, parseDockerfile, stageNamed } from '../dockerfile/index.js'
import type { Check } from '../model/index.js'
import { blocked, defineKind, documentLine, fail, pass } from './kit/index.js'

export const dockerfile = defineKind({
  id: 'dockerfile',
  fields: {
    content: z.string(),
    /** Document line of the content's first line (the command's own line for `echo '…' | tee`). */
    contentLine: z.number().int().positive().optional(),
    /** Template syntax the version holds (`{{ .Var }}`, `<your-registry>`), as `line text`. */
    templates: z.array(z.string()).optional(),
  },

  extract(x, emit) {
    for (const version of x.doc.files) {
      if (!isDockerfile(version)) continue
      const tab = version.alternativeTo
        ? ` (an alternative to line ${version.alternativeTo}, tab "${version.tab?.name ?? '?'}")`
        : ''
      emit({
        line: version.line,
        title: `${version.name}${tab} parses and every COPY --from names a stage`,
        // A version is known by what it holds: editing it makes it another claim.
        quote: `${version.name} sha256:${createHash('sha256').update(version.content).digest('hex').slice(0, 12)}`,
        dockerfile: version.name,
        content: version.content,
        ...(version.contentLine ? { contentLine: version.contentLine } : {}),
        ...(version.templates?.length
          ? { templates: version.templates.map((t) => `${t.line} ${t.text}`) }
          : {}),
      })
    }
  },

  check(claim) {
    // A template is not what Docker reads: its syntax is for the site's generator or the reader.
    if (claim.templates?.length) {
      return [
        blocked(
          'parses',
          `holds template syntax that Docker would not read as written (line ${claim.templates.join('; line ')}), so it is not parsed as a Dockerfile`,
        ),
      ]
    }
    const model = parseDockerfile(claim.content)
    const at = (line: number) =>
      documentLine({ line: claim.source.line, contentLine: claim.contentLine }, line)
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
