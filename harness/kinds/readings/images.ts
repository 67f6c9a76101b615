/**
 * The images a document names and where each comes from: the ones it builds (`docker build -t`,
 * `docker tag`, a build script it shows), the ones it pulls or starts from (`docker pull`, `FROM`,
 * `docker run` of an image it does not build). Kinds read it to tell a built image's size from a
 * base image's, and to find a listed image that nothing makes.
 */
import { isDockerfile, parseDockerfile } from '../../dockerfile/index.js'
import { segments } from '../../parse/index.js'
import { normalizeRef, sameImageLoosely } from '../kit/images.js'
import type { Extraction, Reading } from '../kit/index.js'

export interface ImageNames {
  /** References the document builds or tags. */
  built: string[]
  /** References it pulls, runs without building, or starts a Dockerfile FROM (stage names aside). */
  bases: string[]
  /** Every reference its commands name, built or pulled: what prose may call an image by. */
  named: string[]
}

const DOCKER_LINE = /\bdocker\s+(?:image\s+|buildx\s+)?(?:build|tag|pull|run|create)\b/i

/** What one docker command line builds and pulls. */
function fromCommand(argv: string[], out: { built: string[]; pulled: string[]; run: string[] }): void {
  if (argv[0]?.toLowerCase() !== 'docker') return
  let args = argv.slice(1)
  if (args[0] === 'image' || args[0] === 'container' || args[0] === 'buildx') args = args.slice(1)
  const [verb = '', ...rest] = args
  const operands = (skip: RegExp) => {
    const found: string[] = []
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] ?? ''
      if (a.startsWith('-')) {
        if (!a.includes('=') && skip.test(a)) i++
        continue
      }
      found.push(a)
    }
    return found
  }
  if (verb === 'build') {
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] ?? ''
      if (a === '-t' || a === '--tag') out.built.push(rest[i + 1] ?? '')
      else if (a.startsWith('--tag=')) out.built.push(a.slice(6))
      else if (/^-t\S/.test(a)) out.built.push(a.slice(2))
    }
  } else if (verb === 'tag') {
    const [, target] = operands(/^$/)
    if (target) out.built.push(target)
  } else if (verb === 'pull') {
    const [ref] = operands(/^--platform$/)
    if (ref) out.pulled.push(ref)
  } else if (verb === 'run' || verb === 'create') {
    // The first operand after the options is the image; options that take a value skip it.
    const [ref] = operands(
      /^(?:-[epvwuhlm]|--(?:env|publish|volume|workdir|user|hostname|label|memory|name|network|entrypoint|mount|platform|cpus|env-file|add-host|restart|cap-add|cap-drop|device|dns|expose|health-cmd|log-driver|pid|ipc|runtime|shm-size|stop-signal|tmpfs|ulimit|gpus))$/,
    )
    if (ref) out.run.push(ref)
  }
}

function usable(ref: string): boolean {
  return ref !== '' && !/[$<>{}[\]]/.test(ref) && /^[\w][\w.:/@-]*$/.test(ref)
}

export const imageNames: Reading<ImageNames> = (x: Extraction) => {
  const found = { built: [] as string[], pulled: [] as string[], run: [] as string[] }
  for (const command of x.doc.commands) {
    for (const argv of segments(command.text)) fromCommand(argv, found)
  }
  // Builds in a script or output the document shows (a build.sh printed by `cat`), and commands
  // in blocks no shell reads.
  for (const block of x.doc.blocks) {
    if (!DOCKER_LINE.test(block.value)) continue
    for (const line of block.value.split('\n')) {
      if (!DOCKER_LINE.test(line)) continue
      for (const argv of segments(line.replace(/^\s*(?:[$#%>]|➜)\s+/, ''))) fromCommand(argv, found)
    }
  }
  const bases = new Set<string>()
  for (const version of x.doc.files) {
    if (!isDockerfile(version) || version.templates?.length) continue
    const model = parseDockerfile(version.content)
    const stages = new Set(model.stages.flatMap((s) => (s.name ? [s.name.toLowerCase()] : [])))
    for (const stage of model.stages) {
      if (stage.image === 'scratch' || stages.has(stage.image.toLowerCase())) continue
      if (usable(stage.image)) bases.add(normalizeRef(stage.image))
    }
  }
  const built = [...new Set(found.built.filter(usable).map(normalizeRef))]
  for (const ref of [...found.pulled, ...found.run].filter(usable)) {
    if (!built.some((b) => sameImageLoosely(ref, b))) bases.add(normalizeRef(ref))
  }
  const named = [
    ...new Set(
      [...found.built, ...found.pulled, ...found.run]
        .filter(usable)
        .flatMap((ref) => [ref, ref.replace(/:latest$/, '')]),
    ),
  ].sort((a, b) => b.length - a.length)
  return { built, bases: [...bases], named }
}
