/**
 * What the words around a Dockerfile say it starts from agrees with its FROM: a comment "This
 * Dockerfile uses Docker Hardened Images" over `FROM python:3.12-slim`, or "uses Python 3.11"
 * over `FROM python:3.12`, do not. Read from a Dockerfile's own comments (held against its FROMs) and from the sentence that introduces a Dockerfile block (held against its
 * stages' FROMs). Only what can be compared is read: an image family (Docker Hardened Images,
 * distroless, Alpine, Ubuntu), an image reference, a language version.
 */
import { z } from 'zod'
import { isDockerfile } from '../dockerfile/index.js'
import { defineKind, fail, pass } from './kit/index.js'
import { imageName } from './readings/docker-cli.js'
import { OFFICIAL_IMAGES } from './readings/official-images.js'
import { fromImages, lineIn } from './readings/references.js'

const BASE_VERB = /\b(?:uses?|using|based on|builds? on|built on|starts? from|base image|derived from)\b/i
const NEGATION =
  /\b(?:instead of|rather than|not|unlike|compared|switch(?:es|ing)?|replac(?:e|es|ing)|migrat\w*|avoid\w*|without)\b|n't\b/i

const LANGUAGES: Record<string, string[]> = {
  python: ['python', 'pypy'],
  node: ['node'],
  'node.js': ['node'],
  nodejs: ['node'],
  go: ['golang'],
  golang: ['golang'],
  rust: ['rust'],
  ruby: ['ruby'],
  php: ['php'],
  java: ['eclipse-temurin', 'openjdk', 'amazoncorretto', 'sapmachine', 'ibm-semeru-runtimes'],
}

/** One thing a statement says of the base image, and how to hold a FROM against it. */
export interface Expectation {
  /** What the text names. @example "Docker Hardened Images" @example "Python 3.11" */
  says: string
  kind: 'family' | 'ref' | 'version'
  /** Family: a word a matching reference holds; ref: `repo:tag`; version: `family@version`. */
  value: string
}

/** What a sentence or comment says the Dockerfile starts from; [] when it says nothing comparable. */
export function expectations(text: string): Expectation[] {
  if (!BASE_VERB.test(text)) return []
  return text.split(/(?<=[.!?])\s+(?=[A-Z`"*([])/).flatMap(sentenceExpectations)
}

function sentenceExpectations(text: string): Expectation[] {
  if (!BASE_VERB.test(text) || NEGATION.test(text)) return []
  const out: Expectation[] = []
  const dhi = /\b(?:DHI|Docker Hardened Images?)\b/.exec(text)
  if (dhi) out.push({ says: dhi[0], kind: 'family', value: 'dhi' })
  for (const family of ['distroless', 'alpine', 'ubuntu'])
    if (new RegExp(`\\b${family}\\b`, 'i').test(text) && !out.some((e) => e.value === family))
      out.push({
        says: new RegExp(`\\b${family}\\b`, 'i').exec(text)?.[0] ?? family,
        kind: 'family',
        value: family,
      })
  const tagOf = /`?([\w.-]+)`? tag of the `?([a-z0-9][\w./-]*)`? image/i.exec(text)
  if (tagOf) out.push({ says: tagOf[0], kind: 'ref', value: `${tagOf[2]}:${tagOf[1]}` })
  for (const m of text.matchAll(/(?<![\w/.:-])((?:[a-z0-9.-]+\/)*[a-z0-9][a-z0-9._-]*):([\w][\w.-]*)/g)) {
    const name = imageName(m[0])
    if (!name || (name.official && !OFFICIAL_IMAGES.has(name.familiar))) continue
    if (/^\d+$/.test(m[2] ?? '') && !name.official) continue
    out.push({ says: m[0], kind: 'ref', value: m[0] })
  }
  for (const m of text.matchAll(
    /\b(Python|Node(?:\.js)?|NodeJS|Go(?:lang)?|Rust|Ruby|PHP|Java)\s+v?(\d+(?:\.\d+){0,2})\b/gi,
  )) {
    out.push({ says: m[0], kind: 'version', value: `${(m[1] ?? '').toLowerCase()}@${m[2]}` })
  }
  return out
}

/** Whether a FROM reference is what the expectation names; undefined when it cannot tell. */
export function holds(e: Expectation, refs: string[]): boolean | undefined {
  if (e.kind === 'family') {
    if (e.value === 'ubuntu') return refs.some((r) => /\bubuntu\b|\b(?:focal|jammy|noble|bionic)\b/i.test(r))
    return refs.some((r) => r.toLowerCase().includes(e.value))
  }
  if (e.kind === 'ref') {
    const want = imageName(e.value)
    if (!want) return undefined
    return refs.some((r) => {
      const got = imageName(r)
      if (!got || got.repository !== want.repository) return false
      const tag = got.tag ?? 'latest'
      return tag === want.tag || tag.startsWith(`${want.tag}-`)
    })
  }
  const [language = '', version = ''] = e.value.split('@')
  const families = LANGUAGES[language] ?? []
  const candidates = refs.map((r) => imageName(r)).filter((n) => n?.official && families.includes(n.familiar))
  if (candidates.length === 0) return undefined
  return candidates.some((n) => {
    const tag = n?.tag ?? 'latest'
    return tag === version || tag.startsWith(`${version}-`) || tag.startsWith(`${version}.`)
  })
}

export const statedBase = defineKind({
  id: 'stated-base',
  fields: {
    /** Where the words are: a comment in the Dockerfile, or the prose that introduces it. */
    via: z.enum(['comment', 'prose']),
    says: z.array(z.object({ says: z.string(), kind: z.string(), value: z.string() })),
    /** The FROM references the words are held against, ARG defaults substituted. */
    from: z.array(z.string()),
  },

  extract(x, emit) {
    for (const version of x.doc.files) {
      if (!isDockerfile(version) || version.alternativeTo !== undefined) continue
      // Most Dockerfiles have no comment that names a base: look before parsing anything.
      if (!/#[^\n]*\b(?:uses?|using|based|builds?|built|starts?|base|derived)\b/i.test(version.content))
        continue
      const froms = fromImages(version.content)
      if (froms.length === 0) continue
      const lines = version.content.split('\n')
      lines.forEach((raw, i) => {
        const comment = /^\s*#\s*(.*)$/.exec(raw)?.[1]
        if (!comment || /^(?:syntax|escape|check)\s*=/.test(comment)) return
        const says = expectations(comment)
        if (says.length === 0) return
        // A comment may speak of any stage ("the final stage uses Alpine"): held against every FROM.
        const from = froms.map((f) => f.ref)
        if (says.every((e) => holds(e, from) === undefined)) return
        emit({
          line: lineIn(version, i + 1),
          title: `the comment "${clip(comment)}" agrees with ${version.name}'s FROM`,
          quote: `${version.name} # ${comment}`,
          dockerfile: version.name,
          via: 'comment',
          says,
          from,
        })
      })
    }
    for (const block of x.doc.blocks) {
      if (block.kind !== 'file' || !block.lead || !BASE_VERB.test(block.lead)) continue
      const version = x.doc.files.find((f) => f.line === block.line)
      if (!version || !isDockerfile(version)) continue
      const says = expectations(block.lead)
      const from = fromImages(version.content).map((f) => f.ref)
      if (says.length === 0 || from.length === 0 || says.every((e) => holds(e, from) === undefined)) continue
      const lead = x.doc.prose.filter((p) => p.line < block.line).at(-1)
      emit({
        line: lead?.line ?? block.line,
        title: `the text introducing ${version.name} at line ${block.line} agrees with its FROM`,
        quote: block.lead,
        dockerfile: version.name,
        via: 'prose',
        says,
        from,
      })
    }
  },

  check(claim) {
    const name = 'names the image the Dockerfile starts from'
    const wrong = claim.says.filter((e) => holds(e as Expectation, claim.from) === false)
    const right = claim.says.filter((e) => holds(e as Expectation, claim.from) === true)
    const from = claim.from.map((f) => `FROM ${f}`).join(', ')
    if (wrong.length > 0)
      return [
        fail(
          name,
          `the ${claim.via === 'comment' ? 'comment' : 'text'} says ${wrong.map((w) => w.says).join(', ')}, but the Dockerfile has ${from}`,
          { expected: wrong.map((w) => w.says).join(', '), measured: from },
        ),
      ]
    return [pass(name, `${right.map((r) => r.says).join(', ')}: ${from}`)]
  },

  measured: false,
})

/** The first words of a text, cut at a word, for a title. */
function clip(text: string, max = 60): string {
  if (text.length <= max) return text
  return `${text.slice(0, max).replace(/\s+\S*$/, '')}…`
}
