/**
 * A Dockerfile copies or runs the program its build produces. Cargo names the binary after the
 * package (`cargo new simple` builds `target/release/simple`; Cargo.toml's `[package] name`, or a
 * `[[bin]] name`), so `CMD ["./target/release/myapp"]` or `cp target/release/$APP_NAME` with
 * `ARG APP_NAME=singularity` names a file the build never makes. Likewise a `COPY --from` of a
 * stage that runs `go build -o /app/server` takes a file that exists: not `/app/main`.
 */
import { z } from 'zod'
import { isDockerfile, parseDockerfile } from '../dockerfile/index.js'
import type { Check } from '../model/index.js'
import { defineKind, type Extraction, fail, pass, type Reading } from './kit/index.js'
import { globalArgs, lineIn, substitute } from './readings/references.js'

/** The binaries a document's Rust project builds, and where it says so. */
const crates: Reading<{ names: string[]; line: number; how: string } | undefined> = (x) => {
  const manifest = x.doc.files.filter((f) => /(?:^|\/)Cargo\.toml$/.test(f.name)).at(-1)
  if (manifest) {
    const pkg = /\[package\][^[]*?\bname\s*=\s*"([^"]+)"/s.exec(manifest.content)?.[1]
    const bins = [...manifest.content.matchAll(/\[\[bin\]\][^[]*?\bname\s*=\s*"([^"]+)"/gs)].map(
      (m) => m[1] ?? '',
    )
    const names = [...(pkg ? [pkg] : []), ...bins].filter((n) => n !== '')
    if (names.length > 0)
      return { names, line: manifest.line, how: `${manifest.name} names the package ${names.join(', ')}` }
  }
  for (const c of x.doc.commands) {
    if (c.argv[0] !== 'cargo' || (c.argv[1] !== 'new' && c.argv[1] !== 'init')) continue
    const named = c.argv.indexOf('--name')
    const path = c.argv
      .slice(2)
      .filter((a) => !a.startsWith('-') && a !== c.argv[named + 1])
      .at(0)
    const name = named !== -1 ? c.argv[named + 1] : path?.replace(/\/$/, '').replace(/^.*\//, '')
    if (name) return { names: [name], line: c.line, how: `\`${c.text}\` makes the package ${name}` }
  }
  return undefined
}

const RELEASE = /\btarget\/(?:[\w-]+\/)?(?:release|debug)\/([\w${}.-]+)/g

/** Where a Dockerfile names a built binary, with ARGs (global and per stage) substituted. */
function binaryMentions(content: string): { line: number; written: string; name: string }[] {
  const model = parseDockerfile(content)
  const globals = globalArgs(content)
  const lines = content.split('\n')
  // The line of a continued instruction that holds the words, not the instruction's first.
  const lineOf = (from: number, words: string) => {
    const at = lines.findIndex((l, i) => i >= from - 1 && l.includes(words))
    return at === -1 ? from : at + 1
  }
  const out: { line: number; written: string; name: string }[] = []
  for (const stage of model.stages) {
    const vars = { ...globals }
    for (const step of stage.steps) {
      if (step.keyword === 'ARG') {
        const m = /^(\w+)(?:=(?:"([^"]*)"|(\S*)))?/.exec(step.args)
        if (m?.[1] && (m[2] ?? m[3]) !== undefined) vars[m[1]] = m[2] ?? m[3] ?? ''
        continue
      }
      for (const m of step.args.matchAll(RELEASE)) {
        const written = m[1] ?? ''
        const name = substitute(written, vars)
        if (/\$/.test(name) || /\.(?:d|rlib|rmeta|so|a)$|^(?:deps|build|incremental|examples)$/.test(name))
          continue
        out.push({ line: lineOf(step.line, m[0]), written: m[0], name })
      }
    }
  }
  return out
}

/** `go build -o X` outputs of each stage, and the `COPY --from` sources taken from that stage. */
function goOutputs(content: string): { line: number; source: string; stage: string; outputs: string[] }[] {
  const model = parseDockerfile(content)
  const built = new Map<string, { outputs: string[]; workdir: string }>()
  const out: { line: number; source: string; stage: string; outputs: string[] }[] = []
  for (const stage of model.stages) {
    let workdir = '/'
    const outputs: string[] = []
    for (const step of stage.steps) {
      if (step.keyword === 'WORKDIR')
        workdir = step.args.startsWith('/') ? step.args : `${workdir.replace(/\/$/, '')}/${step.args}`
      if (step.keyword === 'RUN')
        for (const m of step.args.matchAll(/\bgo build\b[^&|;]*?\s-o[\s=]+(\S+)/g)) {
          const p = m[1] ?? ''
          outputs.push(p.startsWith('/') ? p : `${workdir.replace(/\/$/, '')}/${p.replace(/^\.\//, '')}`)
        }
      if (step.keyword === 'COPY' && step.from !== undefined) {
        const from = built.get(step.from.toLowerCase())
        if (!from || from.outputs.length === 0) continue
        const words = step.args.split(/\s+/).filter((w) => !w.startsWith('--'))
        for (const source of words.slice(0, -1)) {
          const abs = source.startsWith('/')
            ? source
            : `${from.workdir.replace(/\/$/, '')}/${source.replace(/^\.\//, '')}`
          const dir = abs.replace(/\/[^/]*$/, '')
          // Only a file beside a built one is held: another directory holds other things (certificates…).
          if (from.outputs.some((o) => o.replace(/\/[^/]*$/, '') === dir))
            out.push({ line: step.line, source: abs, stage: step.from, outputs: from.outputs })
        }
      }
    }
    const entry = { outputs, workdir }
    built.set(String(stage.index), entry)
    if (stage.name) built.set(stage.name.toLowerCase(), entry)
  }
  return out
}

export const buildOutput = defineKind({
  id: 'build-output',
  fields: {
    /** The path as the Dockerfile writes it. */
    written: z.string(),
    /** The binary it names, variables substituted. */
    binary: z.string(),
    /** What the build makes, and where the document says so. */
    builds: z.array(z.string()),
    because: z.string(),
  },

  extract(x, emit) {
    const crate = x.read(crates)
    for (const version of x.doc.files) {
      if (!isDockerfile(version) || version.alternativeTo !== undefined) continue
      if (!/target\/|go build/.test(version.content)) continue
      if (crate)
        for (const m of binaryMentions(version.content))
          emitOne(
            x,
            emit,
            version.name,
            lineIn(version, m.line),
            m.written,
            m.name,
            crate.names,
            `${crate.how} (line ${crate.line})`,
          )
      for (const g of goOutputs(version.content))
        emitOne(
          x,
          emit,
          version.name,
          lineIn(version, g.line),
          g.source,
          g.source,
          g.outputs,
          `stage ${g.stage} runs go build -o ${g.outputs.join(', ')}`,
        )
    }
  },

  check(claim) {
    const name = 'the build makes the file'
    const ok = claim.builds.some((b) => b === claim.binary || b.replace(/-/g, '_') === claim.binary)
    const checks: Check[] = [
      ok
        ? pass(name, `${claim.written}: ${claim.because}`)
        : fail(
            name,
            `${claim.written} names ${claim.binary}, but ${claim.because}, so the build makes no ${claim.binary}`,
            {
              expected: claim.builds.join(', '),
              measured: claim.binary,
            },
          ),
    ]
    return checks
  },

  measured: false,
})

type Emit = Parameters<(typeof buildOutput)['extract']>[1]

function emitOne(
  _x: Extraction,
  emit: Emit,
  dockerfile: string,
  line: number,
  written: string,
  binary: string,
  builds: string[],
  because: string,
): void {
  emit({
    line,
    title: `${written} is a file ${dockerfile}'s build makes`,
    quote: `${dockerfile} ${written}`,
    dockerfile,
    written,
    binary,
    builds,
    because,
  })
}
