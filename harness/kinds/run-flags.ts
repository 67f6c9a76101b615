/**
 * BuildKit's RUN options as Docker reads them. The rules are the Dockerfile reference's (RUN
 * --mount, RUN --network, RUN --security: docs.docker.com/reference/dockerfile/) and its parser's
 * (moby/buildkit frontend/dockerfile/instructions/commands_runmount.go): the mount types are
 * bind, cache, tmpfs, secret and ssh; bind, cache and tmpfs need a `target`; `sharing` (shared,
 * private, locked) is a cache option, `required` a secret or ssh one, `size` a tmpfs one; `mode`,
 * `uid` and `gid` are not allowed on bind or tmpfs; a secret has no `from` and needs an `id` or a
 * `target`; `from` names a stage or an image and takes no variables; every option but the
 * read-only flags and `required` is `key=value`. `--network` is default, none or host;
 * `--security` sandbox or insecure; RUN has no other options (a secret is a mount, not
 * `RUN --secret`). A `docker build --secret` takes `id`, `src`/`source`, `env` and `type` (file or env).
 */
import { z } from 'zod'
import { isDockerfile, parseDockerfile } from '../dockerfile/index.js'
import { defineKind, fail, pass } from './kit/index.js'
import { imageName } from './readings/docker-cli.js'
import { lineIn } from './readings/references.js'

const TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh']
const KEYS = new Set(
  'type from source src target dst destination readonly ro readwrite rw id sharing required mode uid gid size env'.split(
    ' ',
  ),
)
const BOOLEAN = /^(?:true|false|1|0|t|f|TRUE|FALSE|True|False)$/

/** Why Docker rejects a `--mount` value, or undefined when it accepts it. */
export function mountProblem(value: string, stages: string[]): string | undefined {
  const fields = value.split(',').filter((f) => f !== '')
  const opts = new Map<string, string | true>()
  for (const field of fields) {
    const [raw = '', v] = field.split(/=(.*)/s, 2)
    const key = raw.toLowerCase()
    if (!KEYS.has(key)) return `unexpected key '${key}' in '${field}'`
    if (v === undefined && !['readonly', 'ro', 'readwrite', 'rw', 'required'].includes(key))
      return `invalid field '${field}' must be a key=value pair`
    opts.set(
      key === 'src'
        ? 'source'
        : key === 'dst' || key === 'destination'
          ? 'target'
          : key === 'ro'
            ? 'readonly'
            : key === 'rw'
              ? 'readwrite'
              : key,
      v ?? true,
    )
  }
  const type = String(opts.get('type') ?? 'bind').toLowerCase()
  if (!TYPES.includes(type))
    return `unsupported mount type "${opts.get('type')}" (one of ${TYPES.join(', ')})`
  for (const key of ['readonly', 'readwrite', 'required']) {
    const v = opts.get(key)
    if (typeof v === 'string' && !BOOLEAN.test(v)) return `invalid value for ${key}: ${v}`
  }
  if (opts.has('required') && type !== 'secret' && type !== 'ssh')
    return `unexpected key 'required' for mount type '${type}'`
  if (opts.has('size') && type !== 'tmpfs') return `unexpected key 'size' for mount type '${type}'`
  if (opts.has('sharing')) {
    if (type !== 'cache') return `invalid cache sharing set for ${type} mount`
    const s = String(opts.get('sharing')).toLowerCase()
    if (!['shared', 'private', 'locked'].includes(s))
      return `unsupported sharing value "${opts.get('sharing')}" (shared, private or locked)`
  }
  if (opts.has('env') && type !== 'secret') return `unexpected key 'env' for mount type '${type}'`
  for (const key of ['mode', 'uid', 'gid'])
    if (opts.has(key) && (type === 'bind' || type === 'tmpfs'))
      return `${key} not allowed for "${type}" type mounts`
  const mode = opts.get('mode')
  if (typeof mode === 'string' && !/^[0-7]+$/.test(mode)) return `invalid value ${mode} for mode`
  for (const key of ['uid', 'gid']) {
    const v = opts.get(key)
    if (typeof v === 'string' && !/^\d+$/.test(v)) return `invalid value ${v} for ${key}`
  }
  if ((type === 'bind' || type === 'cache' || type === 'tmpfs') && !opts.get('target'))
    return `a ${type} mount needs a target (the mount path)`
  if (type === 'secret') {
    if (opts.has('from')) return 'secret mount should not have a from'
    if (!opts.get('source') && !opts.get('target') && !opts.get('id') && !opts.get('env'))
      return 'invalid secret mount: one of id, target required'
    if (opts.get('source') && opts.get('id')) return "both source and id can't be set"
  }
  const from = opts.get('from')
  if (typeof from === 'string') {
    if (/\$./.test(from)) return `'from' doesn't support variable expansion, define alias stage instead`
    if (!stages.includes(from.toLowerCase()) && !/^\d+$/.test(from) && !imageName(from))
      return `from=${from} names no stage of the Dockerfile and is not an image reference`
  }
  return undefined
}

/** Why Docker rejects a RUN option, or undefined. */
export function optionProblem(
  option: { name: string; value?: string | undefined },
  stages: string[],
): string | undefined {
  const { name, value } = option
  if (name === 'mount') return value === undefined ? '--mount needs a value' : mountProblem(value, stages)
  if (name === 'network')
    return ['default', 'none', 'host'].includes(value ?? '')
      ? undefined
      : `unsupported network mode "${value ?? ''}" (default, none or host)`
  if (name === 'security')
    return ['sandbox', 'insecure'].includes(value ?? '')
      ? undefined
      : `unsupported security mode "${value ?? ''}" (sandbox or insecure)`
  if (name === 'device') return undefined
  return name === 'secret'
    ? 'RUN has no --secret option: a build secret is mounted with --mount=type=secret,id=…'
    : `RUN has no --${name} option`
}

/** Why `docker build --secret VALUE` is rejected, or undefined. */
export function buildSecretProblem(value: string): string | undefined {
  for (const field of value.split(',')) {
    const [raw = '', v] = field.split(/=(.*)/s, 2)
    const key = raw.toLowerCase()
    if (v === undefined) return `invalid field '${field}' must be a key=value pair`
    if (key === 'type' && v !== 'file' && v !== 'env') return `unsupported secret type "${v}" (file or env)`
    if (!['type', 'id', 'src', 'source', 'env'].includes(key)) return `unexpected key '${key}' in '${field}'`
  }
  return undefined
}

export const runFlags = defineKind({
  id: 'run-flags',
  fields: {
    /** Where the options are: a Dockerfile's RUN, or a `docker build --secret`. */
    where: z.enum(['run', 'build']),
    options: z.array(z.object({ name: z.string(), value: z.string().optional() })),
    /** The Dockerfile's stage names, which `from=` may name. */
    stages: z.array(z.string()),
  },

  extract(x, emit) {
    const seen = new Set<string>()
    for (const version of x.doc.files) {
      if (!isDockerfile(version) || version.alternativeTo !== undefined || version.templates?.length) continue
      const model = parseDockerfile(version.content)
      const stages = model.stages.flatMap((s) => (s.name ? [s.name.toLowerCase()] : []))
      for (const stage of model.stages)
        for (const step of stage.steps) {
          if (step.keyword !== 'RUN' || !step.flags) continue
          const options = step.flags
          const key = `${version.name} ${options.map((o) => `${o.name}=${o.value}`).join(' ')}`
          if (options.length === 0 || seen.has(key)) continue
          seen.add(key)
          emit({
            line: lineIn(version, step.line),
            title: `RUN ${summary(options)} in ${version.name} has options Docker accepts`,
            quote: key,
            dockerfile: version.name,
            where: 'run',
            options,
            stages,
          })
        }
    }
    for (const c of x.doc.commands) {
      if (c.argv[0] !== 'docker' || !c.argv.some((a) => a === '--secret' || a.startsWith('--secret=')))
        continue
      const options = c.argv.flatMap((a, i) =>
        a === '--secret'
          ? [{ name: 'secret', value: c.argv[i + 1] ?? '' }]
          : a.startsWith('--secret=')
            ? [{ name: 'secret', value: a.slice(9) }]
            : [],
      )
      emit({
        line: c.line,
        title: `${c.text} passes secrets Docker accepts`,
        quote: c.text,
        where: 'build',
        options,
        stages: [],
      })
    }
  },

  check(claim) {
    const name = 'Docker accepts the options'
    const problems = claim.options.flatMap((o) => {
      const p = claim.where === 'build' ? buildSecretProblem(o.value ?? '') : optionProblem(o, claim.stages)
      return p ? [`--${o.name}${o.value === undefined ? '' : `=${o.value}`}: ${p}`] : []
    })
    return problems.length === 0
      ? [pass(name, `${claim.options.length} option(s), each as the Dockerfile reference allows`)]
      : [
          fail(
            name,
            `${problems.join('; ')} (Dockerfile reference, ${claim.where === 'build' ? 'docker build --secret' : 'RUN --mount / --network / --security'})`,
            {
              expected: 'options Docker accepts',
              measured: problems.join('; '),
            },
          ),
        ]
  },

  measured: false,
})

/** `--mount ×3 --network`: the options of a RUN, for a title. */
function summary(options: { name: string }[]): string {
  const counts = new Map<string, number>()
  for (const o of options) counts.set(o.name, (counts.get(o.name) ?? 0) + 1)
  return [...counts].map(([n, c]) => `--${n}${c > 1 ? ` ×${c}` : ''}`).join(' ')
}
