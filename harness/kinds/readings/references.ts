/**
 * Every image reference a document names where Docker would use it: a Dockerfile's FROM (its
 * ARG defaults substituted, stage names left out), `docker pull` / `run` / `create`, Compose
 * `image:`. Several kinds hold these names against what Docker knows of images.
 */
import { isDockerfile, parseDockerfile } from '../../dockerfile/index.js'
import { memoize } from '../../memo.js'
import type { FileVersion } from '../../model/index.js'
import type { Reading } from '../kit/index.js'
import { composeFiles } from './compose.js'
import { dockerRuns } from './docker-cli.js'

export interface Mention {
  line: number
  ref: string
  /** Where it is named. */
  via: 'from' | 'pull' | 'run' | 'compose'
  /** The Dockerfile, for a FROM. */
  dockerfile?: string
}

/** The document line of a line of a file version's content. */
export function lineIn(version: FileVersion, line: number): number {
  return (version.contentLine ?? version.line + 1) + line - 1
}

/** `ARG NAME=value` lines before the first FROM: the defaults a FROM can use. */
export const globalArgs: (content: string) => Record<string, string> = memoize((content: string) => {
  const out: Record<string, string> = {}
  for (const line of content.split('\n')) {
    if (/^\s*FROM\b/i.test(line)) break
    const arg = /^\s*ARG\s+(\w+)(?:=(?:"([^"]*)"|'([^']*)'|(\S*)))?/i.exec(line)
    if (arg?.[1]) out[arg[1]] = arg[2] ?? arg[3] ?? arg[4] ?? ''
  }
  return out
}, 1000)

/** `${NAME}`, `$NAME`, `${NAME:-dflt}` replaced from `vars`; an unknown variable stays as written. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::?[-+]([^}]*))?\}|\$(\w+)/g, (whole, a, dflt, b) => {
    const v = vars[a ?? b ?? '']
    return v !== undefined && v !== '' ? v : dflt !== undefined ? dflt : whole
  })
}

/** The external images a Dockerfile's stages start from, each at its FROM line (1-based in the file). */
export const fromImages: (content: string) => { ref: string; line: number }[] = memoize(
  fromImagesUncached,
  1000,
)

function fromImagesUncached(content: string): { ref: string; line: number }[] {
  const model = parseDockerfile(content)
  const args = globalArgs(content)
  return model.stages.flatMap((stage) => {
    const named = model.stages
      .slice(0, stage.index)
      .some((s) => s.name?.toLowerCase() === stage.image.toLowerCase())
    return named || stage.image === '' ? [] : [{ ref: substitute(stage.image, args), line: stage.line }]
  })
}

export const imageMentions: Reading<Mention[]> = (x) => {
  const out: Mention[] = []
  for (const version of x.doc.files) {
    if (!isDockerfile(version) || version.templates?.length) continue
    for (const from of fromImages(version.content))
      out.push({ line: lineIn(version, from.line), ref: from.ref, via: 'from', dockerfile: version.name })
  }
  // A Dockerfile fragment no file owns (`FROM python:3.12-slim` shown alone) still names an image.
  for (const block of x.doc.blocks) {
    if (block.kind === 'file' || block.kind === 'diff' || block.templates?.length) continue
    if (block.lang !== 'dockerfile' && !block.looksLike?.startsWith('dockerfile')) continue
    block.value.split('\n').forEach((text, i) => {
      const ref = /^\s*FROM\s+(?:--\S+\s+)*(\S+)/i.exec(text)?.[1]
      if (ref && !/\$/.test(ref)) out.push({ line: block.line + 1 + i, ref, via: 'from' })
    })
  }
  for (const run of x.read(dockerRuns)) out.push({ line: run.command.line, ref: run.image, via: 'run' })
  for (const c of x.doc.commands) {
    const sub = c.argv[0] === 'docker' ? (c.argv[1] === 'image' ? c.argv.slice(2) : c.argv.slice(1)) : []
    const operand = sub[0] === 'pull' ? sub.slice(1).find((a) => !a.startsWith('-')) : undefined
    if (operand) out.push({ line: c.line, ref: operand, via: 'pull' })
  }
  for (const compose of x.read(composeFiles))
    for (const s of compose.services)
      if (s.image) out.push({ line: s.image.line, ref: s.image.ref, via: 'compose' })
  return out.sort((a, b) => a.line - b.line)
}
