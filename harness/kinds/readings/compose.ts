/**
 * The Compose files a document shows, read with `yaml` (positions kept): each service's build
 * or image, published ports, health check, command and environment, at their document lines.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { memoize } from '../../memo.js'
import type { FileVersion } from '../../model/index.js'
import { segments } from '../../parse/index.js'
import type { Reading } from '../kit/index.js'
import { type Published, readPublish } from './docker-cli.js'

export interface ComposeService {
  name: string
  /** Document line of the service's key. */
  line: number
  build?: { context: string; dockerfile: string; line: number }
  image?: { ref: string; line: number }
  ports: (Published & { line: number })[]
  healthcheck?: { argv: string[]; text: string; line: number }
  command?: { argv: string[]; line: number }
  environment: Record<string, string>
  containerName?: string
  /** Where the service's volumes and bind mounts land in the container. */
  mounts: string[]
}

export interface ComposeFile {
  file: FileVersion
  services: ComposeService[]
}

const COMPOSE_NAME = /(?:^|\/)(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$/i

function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined
}

/** A compose command or test: a list, or a string run by a shell (`CMD-SHELL`) or split (command). */
function argvOf(node: unknown): { argv: string[]; text: string } | undefined {
  if (isSeq(node)) {
    const items = node.items.map((i) => text(i) ?? '')
    const [head, ...rest] = items
    if (head === 'CMD-SHELL') return { argv: ['/bin/sh', '-c', rest.join(' ')], text: rest.join(' ') }
    if (head === 'CMD') return { argv: rest, text: rest.join(' ') }
    if (head === 'NONE') return undefined
    return { argv: items, text: items.join(' ') }
  }
  const s = text(node)
  return s === undefined ? undefined : { argv: segments(s)[0] ?? [], text: s }
}

function readCompose(file: FileVersion): ComposeFile {
  const counter = new LineCounter()
  const doc = parseDocument(file.content, { lineCounter: counter })
  const first = file.contentLine ?? file.line + 1
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? first + counter.linePos(node.range[0]).line - 1 : first
  const services: ComposeService[] = []
  const root = doc.contents
  const servicesNode = isMap(root) ? root.get('services', true) : undefined
  if (!isMap(servicesNode)) return { file, services }
  for (const pair of servicesNode.items) {
    const name = text(pair.key)
    const body = pair.value
    if (!name || !isMap(body)) continue
    const service: ComposeService = {
      name,
      line: lineOf(pair.key as Node),
      ports: [],
      environment: {},
      mounts: [],
    }
    const build: unknown = body.get('build', true)
    if (isScalar(build))
      service.build = { context: text(build) ?? '.', dockerfile: 'Dockerfile', line: lineOf(build as Node) }
    else if (isMap(build))
      service.build = {
        context: text(build.get('context', true)) ?? '.',
        dockerfile: text(build.get('dockerfile', true)) ?? 'Dockerfile',
        line: lineOf(build as Node),
      }
    const image = body.get('image', true)
    if (text(image)) service.image = { ref: text(image) ?? '', line: lineOf(image as Node) }
    const ports = body.get('ports', true)
    if (isSeq(ports))
      for (const item of ports.items) {
        const short = text(item)
        const published = short
          ? readPublish(short)
          : isMap(item)
            ? readPublish(
                `${text(item.get('published', true)) ? `${text(item.get('published', true))}:` : ''}${text(item.get('target', true)) ?? ''}`,
              )
            : undefined
        if (published) service.ports.push({ ...published, line: lineOf(item as Node) })
      }
    const health = body.get('healthcheck', true)
    const test = isMap(health) ? health.get('test', true) : undefined
    const read = argvOf(test)
    if (read) service.healthcheck = { ...read, line: lineOf(test as Node) }
    const command = body.get('command', true)
    const cmd = argvOf(command)
    if (cmd) service.command = { argv: cmd.argv, line: lineOf(command as Node) }
    const env = body.get('environment', true)
    if (isMap(env))
      for (const p of env.items) {
        const k = text(p.key)
        if (k) service.environment[k] = text(p.value) ?? ''
      }
    else if (isSeq(env))
      for (const item of env.items) {
        const [k = '', v] = (text(item) ?? '').split(/=(.*)/s, 2)
        if (k && v !== undefined) service.environment[k] = v
      }
    const volumes = body.get('volumes', true)
    if (isSeq(volumes))
      for (const item of volumes.items) {
        const target = text(item)?.split(':')[1] ?? (isMap(item) ? text(item.get('target', true)) : undefined)
        if (target) service.mounts.push(target)
      }
    const containerName = text(body.get('container_name', true))
    if (containerName) service.containerName = containerName
    services.push(service)
  }
  return { file, services }
}

const readCached = memoize((key: string) => {
  const file = JSON.parse(key) as FileVersion
  return readCompose(file)
}, 200)

/** Every version of every Compose file the document shows. */
export const composeFiles: Reading<ComposeFile[]> = (x) =>
  x.doc.files
    .filter((f) => COMPOSE_NAME.test(f.name) || (f.lang === 'yaml' && /^\s*services\s*:/m.test(f.content)))
    .filter((f) => /^\s*services\s*:/m.test(f.content))
    .map((f) => readCached(JSON.stringify(f)))
