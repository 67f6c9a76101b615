/** A practice the prose says a Dockerfile follows: "Combined RUN commands to reduce layer count". */
import { z } from 'zod'
import { type DockerfileModel, parseDockerfile, runSteps } from '../dockerfile/index.js'
import type { Check, FileVersion } from '../model/index.js'
import { resolveFile } from '../parse/index.js'
import { blocked, type CheckContext, defineKind, documentLine, fail, pass } from './kit/index.js'
import { proseItems, sentenceOf } from './readings/prose.js'

const Practice = z.enum([
  'fewer-run-layers',
  'no-pip-cache',
  'no-uv-cache',
  'pycache-removed',
  'pip-cache-purged',
  'multi-stage',
  'copies-path',
])
type Practice = z.infer<typeof Practice>

const PRACTICES: [RegExp, Practice, string][] = [
  [
    /\bcombin\w*\s+(?:the\s+)?RUN\s+commands/i,
    'fewer-run-layers',
    'has fewer RUN layers than the iteration before',
  ],
  [/\bremov\w*\s+(?:the\s+)?(?:__pycache__|\.pyc)/i, 'pycache-removed', 'removes Python bytecode caches'],
  [/\bpip cache purge\b|\bpurged?\s+(?:the\s+)?pip cache/i, 'pip-cache-purged', "purges pip's cache"],
  [/--no-cache-dir\b/, 'no-pip-cache', 'installs with pip --no-cache-dir'],
  [/--no-cache\b(?!-)/, 'no-uv-cache', 'installs with uv --no-cache'],
]
const COPIES_ONLY =
  /\bcop(?:y|ies)\s+(?:only\s+)?(\/[\w./-]+)\s+from\s+(?:the\s+)?builder|\bcop(?:y|ies)\s+only\s+(\/[\w./-]+)/gi

function copiedPaths(model: DockerfileModel): string[] {
  return (model.stages.at(-1)?.steps ?? [])
    .filter((s) => s.from !== undefined)
    .map((s) => s.args.split(/\s+/).filter((a) => !a.startsWith('--'))[0] ?? '')
}

export const practice = defineKind({
  id: 'practice',
  fields: {
    practice: Practice,
    /** For `copies-path`: the path the prose says is copied. */
    detail: z.string().optional(),
  },

  extract(x, emit) {
    for (const { prose, here } of x.read(proseItems)) {
      if (prose.kind === 'heading') {
        if (here && /multi-?stage/i.test(prose.text)) {
          emit({
            line: prose.line,
            title: `${here.dockerfile} is a multi-stage build`,
            quote: prose.text,
            ...x.about(here),
            practice: 'multi-stage',
          })
        }
        continue
      }
      if (here) {
        for (const [pattern, id, what] of PRACTICES) {
          const m = pattern.exec(prose.text)
          if (!m) continue
          // `docker build --no-cache` is about the build cache, not a package manager's.
          const sentence = sentenceOf(prose.text, m.index)
          if (
            id === 'no-uv-cache' &&
            (!/\b(?:uv|pip|install)/i.test(sentence) ||
              /\bdocker\s+(?:buildx\s+)?build\b[^.]*--no-cache/i.test(sentence))
          )
            continue
          emit({
            line: prose.line,
            title: `${here.dockerfile} ${what}`,
            quote: sentenceOf(prose.text, m.index),
            ...x.about(here),
            practice: id,
          })
        }
      }
      for (const m of prose.text.matchAll(COPIES_ONLY)) {
        const path = (m[1] ?? m[2] ?? '').replace(/[.,]$/, '')
        const it = here ?? x.iterations.all.find((i) => i.index > 0 && /multi|stage/i.test(i.name)) ?? x.final
        if (!it) continue
        emit({
          line: prose.line,
          title: `${here ? it.dockerfile : "the lesson's multi-stage Dockerfiles"} copy ${path} from the builder`,
          quote: sentenceOf(prose.text, m.index ?? 0),
          subject: here ? it.dockerfile : "the lesson's multi-stage Dockerfiles",
          ...(here ? x.about(it) : {}),
          practice: 'copies-path',
          detail: path,
        })
      }
    }
  },

  check(claim, ctx) {
    const name = 'the Dockerfile does what the prose says'
    if (claim.practice === 'copies-path' && !claim.dockerfile) return copiesAnywhere(claim.detail ?? '', ctx)
    const found = ctx.dockerfileOf(ctx.iterations.of(claim))
    if (!found) {
      // The build that uses it may come after the sentence: its reference says where the file is.
      const reference = claim.dockerfile
        ? (resolveFile(ctx.doc, claim.dockerfile, claim.source.line).reference ??
          ctx.doc.references.find((r) => r.name === claim.dockerfile))
        : undefined
      return [
        blocked(
          name,
          reference?.reason ??
            `${claim.dockerfile ?? 'the Dockerfile'} is not defined before line ${claim.source.line}`,
        ),
      ]
    }
    const { file, model } = found
    const runs = runSteps(model)
    const ok = (reason: string): Check[] => [pass(name, reason)]
    const no = (reason: string, expected?: string, measured?: string): Check[] => [
      fail(name, reason, { ...(expected ? { expected } : {}), ...(measured ? { measured } : {}) }),
    ]
    switch (claim.practice) {
      case 'fewer-run-layers': {
        const prevIt = ctx.iterations.all[found.it.index - 1]
        const prev: FileVersion | undefined = prevIt?.files[prevIt.dockerfile]
        if (!prev) return [blocked(name, 'no earlier iteration to compare with')]
        const before = runSteps(parseDockerfile(prev.content)).length
        const finalRuns = model.stages.at(-1)?.steps.filter((s) => s.keyword === 'RUN').length ?? 0
        const note =
          model.stages.length > 1
            ? `; only the final stage's layers reach the image, and it has ${finalRuns} RUN`
            : ''
        return runs.length < before
          ? ok(`${file.name} has ${runs.length} RUN instructions, ${prev.name} had ${before}${note}`)
          : no(
              `${file.name} has ${runs.length} RUN instructions, ${runs.length === before ? 'as many as' : 'more than'} ${prev.name} (${before})${note}`,
              `< ${before}`,
              String(runs.length),
            )
      }
      case 'pycache-removed': {
        const run = runs.find(
          (r) => /__pycache__|\*\.pyc|PYTHONDONTWRITEBYTECODE/.test(r.args) && /rm\s|-delete/.test(r.args),
        )
        return run
          ? ok(`line ${documentLine(file, run.line)} removes them`)
          : no(`no RUN in ${file.name} removes __pycache__ or .pyc files`)
      }
      case 'pip-cache-purged': {
        const run = runs.find((r) => /pip cache purge|rm -rf \/root\/\.cache/.test(r.args))
        return run
          ? ok(`line ${documentLine(file, run.line)} purges it`)
          : no(`no RUN in ${file.name} purges pip's cache`)
      }
      case 'no-pip-cache':
      case 'no-uv-cache': {
        const uv = claim.practice === 'no-uv-cache'
        const tool = uv ? 'uv pip' : 'pip'
        const flag = uv ? '--no-cache' : '--no-cache-dir'
        const installs = runs.filter((r) =>
          (uv ? /\buv pip install\b/ : /(?<!uv )\bpip3? install\b/).test(r.args),
        )
        const offenders = installs.filter(
          (r) => !(uv ? /--no-cache\b/ : /--no-cache-dir|pip cache purge/).test(r.args),
        )
        if (installs.length === 0) return no(`${file.name} has no ${tool} install`)
        return offenders.length === 0
          ? ok(`every ${tool} install in ${file.name} uses ${flag}`)
          : no(`line ${documentLine(file, offenders[0]?.line ?? 1)} installs without ${flag}`)
      }
      case 'multi-stage': {
        const copies = model.stages.at(-1)?.steps.filter((s) => s.from !== undefined).length ?? 0
        return model.stages.length > 1 && copies > 0
          ? ok(`${model.stages.length} stages; the final one copies from an earlier one ${copies} time(s)`)
          : no(`${file.name} has ${model.stages.length} stage(s) and ${copies} COPY --from`)
      }
      case 'copies-path': {
        const paths = copiedPaths(model)
        return paths.includes(claim.detail ?? '')
          ? ok(`${file.name} copies ${claim.detail} from an earlier stage`)
          : no(
              `${file.name} copies ${paths.join(', ') || 'nothing'} from an earlier stage, not ${claim.detail}`,
              claim.detail,
              paths.join(', '),
            )
      }
    }
  },

  measured: false,
})

/** A summary card's "copies only X": true of some multi-stage Dockerfile in its lesson. */
function copiesAnywhere(detail: string, ctx: CheckContext): Check[] {
  const name = "the lesson's Dockerfiles do what the prose says"
  const multi = ctx.iterations.all
    .map((it) => ({ it, file: it.files[it.dockerfile] }))
    .filter((x): x is { it: typeof x.it; file: FileVersion } => x.file !== undefined)
    .map(({ it, file }) => ({ it, paths: copiedPaths(parseDockerfile(file.content)) }))
    .filter((x) => x.paths.length > 0)
  if (multi.length === 0) return [blocked(name, 'the lesson has no multi-stage Dockerfile')]
  const hit = multi.find((x) => x.paths.includes(detail))
  if (hit) return [pass(name, `${hit.it.dockerfile} copies ${detail}`)]
  const all = [...new Set(multi.flatMap((x) => x.paths))]
  return [
    fail(
      name,
      `none of the lesson's multi-stage Dockerfiles (${multi.map((x) => x.it.dockerfile).join(', ')}) copies ${detail}; they copy ${all.join(', ')}`,
      { expected: detail, measured: all.join(', ') },
    ),
  ]
}
