/** A `docker build` command: it must name a Dockerfile the document defines before it. */
import { z } from 'zod'
import { isDockerfile } from '../dockerfile/index.js'
import { dockerBuild, filesAt, isReaderSection, sectionAt } from '../parse/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'

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
    const name = 'names a Dockerfile the lesson defines'
    const file = claim.dockerfile ?? 'Dockerfile'
    const line = claim.source.line
    const defined = filesAt(ctx.doc.files, line)[file]
    if (defined) return [pass(name, `${file} is defined at line ${defined.line}`)]
    const section = sectionAt(ctx.doc, line)
    if (isReaderSection(section))
      return [blocked(name, `builds the reader's own project ("${section}"), which the lesson does not show`)]
    const known = [
      ...new Set(ctx.doc.files.filter((f) => isDockerfile(f) && f.line < line).map((f) => f.name)),
    ]
    return [
      fail(
        name,
        `${file} is not defined before line ${line}${known.length ? ` (the lesson defines ${known.join(', ')})` : ''}`,
        { expected: file, measured: known.join(', ') || 'no Dockerfile' },
      ),
    ]
  },

  measured: false,
})
