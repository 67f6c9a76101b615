/**
 * Wildcards where Docker does not expand them. COPY and ADD match wildcards in their sources
 * only ("Each <src> may contain wildcards … <dest> is an absolute path, or a path relative to
 * WORKDIR", Dockerfile reference, COPY): `COPY target/*.jar /app/*.jar` writes a file literally
 * named `*.jar`. ENTRYPOINT and CMD in exec form run without a shell ("the exec form does not
 * invoke a command shell. This means that normal shell processing does not happen", Dockerfile
 * reference, Shell and exec form), so `["java", "-jar", "/app/*.jar"]` passes `*.jar` as written.
 */
import { z } from 'zod'
import { isDockerfile, parseDockerfile } from '../dockerfile/index.js'
import { defineKind, fail, pass } from './kit/index.js'
import { lineIn } from './readings/references.js'

const GLOB = /[*?[]/

/** COPY/ADD arguments without their options: sources then destination. */
export function copyPaths(args: string): string[] {
  const text = args.trim()
  if (text.startsWith('[')) {
    try {
      const parsed = JSON.parse(text) as unknown
      if (Array.isArray(parsed)) return parsed.map(String)
    } catch {
      // a shell-form line that starts with a bracket
    }
  }
  return text.split(/\s+/).filter((w) => w !== '' && !w.startsWith('--'))
}

export const pathGlob = defineKind({
  id: 'path-glob',
  fields: {
    instruction: z.enum(['COPY', 'ADD', 'ENTRYPOINT', 'CMD']),
    args: z.string(),
    /** The wildcard word where Docker takes it literally, if any. */
    literal: z.string().optional(),
  },

  extract(x, emit) {
    for (const version of x.doc.files) {
      if (!isDockerfile(version) || version.templates?.length || !/[*?[]/.test(version.content)) continue
      const model = parseDockerfile(version.content)
      for (const stage of model.stages)
        for (const step of stage.steps) {
          if (!GLOB.test(step.args) || /<<-?\w/.test(step.args)) continue
          let literal: string | undefined
          if (step.keyword === 'COPY' || step.keyword === 'ADD') {
            const paths = copyPaths(step.args)
            if (!paths.some((p) => GLOB.test(p))) continue
            const dest = paths.at(-1) ?? ''
            if (GLOB.test(dest)) literal = dest
          } else if ((step.keyword === 'ENTRYPOINT' || step.keyword === 'CMD') && step.args.startsWith('[')) {
            let argv: string[] = []
            try {
              argv = (JSON.parse(step.args) as unknown[]).map(String)
            } catch {
              continue
            }
            // `["sh", "-c", "java -jar /app/*.jar"]` has a shell that expands it.
            if (/(?:^|\/)(?:ba|z|da)?sh$/.test(argv[0] ?? '') && argv[1] === '-c') continue
            literal = argv.find((a) => /[*?]/.test(a) && !/^-/.test(a))
            if (literal === undefined) continue
          } else continue
          const instruction = step.keyword as 'COPY' | 'ADD' | 'ENTRYPOINT' | 'CMD'
          emit({
            line: lineIn(version, step.line),
            title: `${instruction} ${step.args} uses a wildcard where Docker expands it`,
            quote: `${version.name} ${instruction} ${step.args}`,
            dockerfile: version.name,
            instruction,
            args: step.args,
            ...(literal ? { literal } : {}),
          })
        }
    }
  },

  check(claim) {
    const name = 'Docker expands the wildcard'
    if (claim.literal === undefined)
      return [
        pass(
          name,
          `the wildcard is in a source, which ${claim.instruction} matches against the build context`,
        ),
      ]
    if (claim.instruction === 'COPY' || claim.instruction === 'ADD')
      return [
        fail(
          name,
          `the destination ${claim.literal} is a path, not a pattern: ${claim.instruction} matches wildcards in its sources only, so it writes a file literally named ${claim.literal.replace(/^.*\//, '')}`,
          { expected: 'a destination path or directory', measured: claim.literal },
        ),
      ]
    return [
      fail(
        name,
        `${claim.instruction} in exec form runs without a shell, so ${claim.literal} reaches the program as written, never expanded; it works only if a file is literally named so`,
        { expected: 'a path, or the shell form', measured: claim.literal },
      ),
    ]
  },

  measured: false,
})
