/** An environment variable the lesson says is set in an image: `ENV`, `RUN echo "K=V" >> /etc/environment`. */
import { z } from 'zod'
import { finalStage, isDockerfile, parseDockerfile } from '../dockerfile/index.js'
import { inReaderSection } from '../parse/index.js'
import { defineKind, documentLine, fail, MEASURED, pass } from './kit/index.js'

const ECHO = /echo\s+["']?([A-Z_][A-Z0-9_]*)=([^"'\s>]*)["']?\s*>>?\s*\/etc\/environment/

export const env = defineKind({
  id: 'env',
  fields: {
    name: z.string(),
    value: z.string(),
  },

  extract(x, emit) {
    for (const version of x.doc.files) {
      if (!isDockerfile(version)) continue
      // Variables are claims about the image an iteration builds from this version.
      const it = x.iterations.all.find((i) => i.files[version.name]?.line === version.line)
      if (!it || inReaderSection(x.doc, version.line)) continue
      for (const step of finalStage(parseDockerfile(version.content))?.steps ?? []) {
        const line = documentLine(version, step.line)
        const pairs = [...(step.env ?? [])]
        const echo = step.keyword === 'RUN' ? ECHO.exec(step.args) : null
        if (echo?.[1]) pairs.push({ name: echo[1], value: echo[2] ?? '' })
        for (const pair of pairs) {
          emit({
            line,
            title: `${it.tag} has ${pair.name}=${pair.value}`,
            quote: `${pair.name}=${pair.value}`,
            ...x.about(it),
            name: pair.name,
            value: pair.value,
          })
        }
      }
    }
  },

  /** The final stage must set the variable with ENV: a RUN that writes /etc/environment sets nothing. */
  check(claim, ctx) {
    const found = ctx.dockerfileOf(ctx.iterations.of(claim))
    if (!found) return []
    const name = "the Dockerfile's final stage sets it with ENV"
    const set = finalStage(found.model)
      ?.steps.flatMap((s) => s.env ?? [])
      .find((e) => e.name === claim.name)
    if (set) return [pass(name, `ENV ${set.name}=${set.value} in ${found.file.name}`)]
    return [
      fail(
        name,
        `${found.file.name} never sets ${claim.name} with ENV; \`RUN echo … >> /etc/environment\` writes a file that neither docker run nor uvicorn reads, so the container's environment has no ${claim.name}`,
        { expected: `${claim.name}=${claim.value}`, measured: 'not set' },
      ),
    ]
  },

  measured: {
    judge(claim, ctx) {
      const r = ctx.measuredImage(ctx.iterations.of(claim))
      if (Array.isArray(r)) return r
      const value = r.image.env[claim.name]
      if (value === undefined) {
        return [
          fail(MEASURED, `the built image's environment has no ${claim.name}`, {
            expected: `${claim.name}=${claim.value}`,
            measured: 'not set',
          }),
        ]
      }
      // A value that refers to another variable ($PATH) is held only to being set.
      const same = claim.value.includes('$') || value === claim.value
      const has = `the built image has ${claim.name}=${value}`
      return [same ? pass(MEASURED, has) : fail(MEASURED, has, { expected: claim.value, measured: value })]
    },
  },
})
