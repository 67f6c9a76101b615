import { dockerBuild, segments } from '../parse/index.js'
import type { Extraction } from './context.js'
import { parseSize } from './size.js'

/** The image a `docker images X` / `docker history X` command is about (its first operand). */
function operand(command: string | undefined): string | undefined {
  const argv = command ? segments(command)[0] : undefined
  if (argv?.[0] !== 'docker') return undefined
  const args = argv.slice(argv[1] === 'image' ? 3 : 2)
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? ''
    if (a === '--format' || a === '-f' || a === '--filter') i++
    else if (!a.startsWith('-')) return a
  }
  return undefined
}

function short(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** Claims in what the lesson shows commands printing: `docker images`, `docker history`, build logs. */
export function outputClaims(x: Extraction): void {
  for (const table of x.doc.tables) {
    if (table.origin !== 'output') continue
    const [first] = table.header
    if (first === 'REPOSITORY') {
      for (const row of table.rows) {
        const [repo = '', tag = '', , , sizeText = ''] = row.cells
        const size = parseSize(sizeText)
        if (!size) continue
        const image = `${repo}:${tag}`
        const it = x.iterations.find((i) => i.tag === image)
        x.add({
          kind: 'image-size',
          line: row.line,
          title: `${image} is ${size.text} (docker images)`,
          ...x.about(it),
          image,
          size,
          origin: 'docker-images',
        })
      }
    } else if (first === 'IMAGE') {
      const image = operand(table.command) ?? '?'
      const it = x.iterations.find((i) => i.tag === image || i.tag === `${image}:latest`)
      const layers = table.rows.flatMap((row) => {
        const size = parseSize(row.cells[3] ?? '')
        return size ? [{ line: row.line, createdBy: row.cells[2] ?? '', size }] : []
      })
      x.add({
        kind: 'history',
        line: table.line,
        title: `docker history of ${image} adds up to its size`,
        ...x.about(it),
        image,
        layers,
        truncated: table.truncated ?? false,
      })
      for (const layer of layers) {
        x.add({
          kind: 'layer-size',
          line: layer.line,
          title: `${image} layer "${short(layer.createdBy)}" is ${layer.size.text}`,
          ...x.about(it),
          image,
          createdBy: layer.createdBy,
          size: layer.size,
        })
      }
    } else if (table.header.includes('TAG') && table.header.includes('SIZE')) {
      const repo = operand(table.command)
      const tagAt = table.header.indexOf('TAG')
      const sizeAt = table.header.indexOf('SIZE')
      for (const row of table.rows) {
        const size = parseSize(row.cells[sizeAt] ?? '')
        if (!size || !repo) continue
        const image = `${repo}:${row.cells[tagAt]}`
        const it = x.iterations.find((i) => i.tag === image)
        x.add({
          kind: 'image-size',
          line: row.line,
          title: `${image} is ${size.text} (--format table)`,
          ...x.about(it),
          image,
          size,
          origin: 'format-table',
        })
      }
    }
  }
  buildLogClaims(x)
}

const STEP = /=>\s+\[(?:([\w.-]+)\s+)?(\d+)\/(\d+)\]\s+(.+?)\s{2,}(\d+(?:\.\d+)?)s\b/

/** A build log's numbered steps, and how long the package installs took. */
function buildLogClaims(x: Extraction): void {
  for (const output of x.doc.outputs) {
    const argv = output.command ? segments(output.command)[0] : undefined
    const build = argv ? dockerBuild(argv) : undefined
    if (!build) continue
    const image = build.tag ?? '?'
    const it = x.iterations.find((i) => i.tag === image)
    const steps: { stage: string; index: number; total: number; instruction: string }[] = []
    output.text.split('\n').forEach((text, i) => {
      const m = STEP.exec(text)
      if (!m) return
      const [, stage = '', index = '0', total = '0', instruction = '', seconds = '0'] = m
      steps.push({ stage, index: Number(index), total: Number(total), instruction })
      const tool = /\buv pip install\b/.test(instruction)
        ? 'uv'
        : /\bpip install\b.*-r\b/.test(instruction)
          ? 'pip'
          : undefined
      if (tool && /^RUN\b/.test(instruction)) {
        x.add({
          kind: 'duration',
          line: output.line + 1 + i,
          title: `${tool} installs the requirements in ${seconds} s (build of ${image})`,
          ...x.about(it),
          subject: tool,
          seconds: Number(seconds),
          atLeast: false,
        })
      }
    })
    if (steps.length > 0) {
      x.add({
        kind: 'build-steps',
        line: output.line,
        title: `build log of ${image} numbers the steps of ${build.file}`,
        ...x.about(it),
        dockerfile: build.file,
        steps,
      })
    }
  }
}
