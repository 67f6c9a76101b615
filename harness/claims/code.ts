import { parseDockerfile } from '../dockerfile/index.js'
import type { FileVersion } from '../model/index.js'
import { dockerBuild, isReaderSection, sectionAt, segments } from '../parse/index.js'
import type { Extraction } from './context.js'

export function isDockerfile(v: Pick<FileVersion, 'name' | 'lang'>): boolean {
  return /(^|\/)Dockerfile([.-][\w.-]+)?$|\.dockerfile$/i.test(v.name) || v.lang === 'dockerfile'
}

/** Claims the lesson's code makes: Dockerfiles that must build, variables they set, /health bodies. */
export function codeClaims(x: Extraction): void {
  for (const command of x.doc.commands) {
    const build = dockerBuild(command.argv)
    if (!build) continue
    x.add({
      kind: 'build-command',
      line: command.line,
      title: `docker build -f ${build.file} names a Dockerfile the lesson defines`,
      ...(build.tag ? { image: build.tag } : {}),
      dockerfile: build.file,
      command: command.text,
    })
  }
  for (const version of x.doc.files) {
    if (isDockerfile(version)) dockerfileClaims(x, version)
    else if (version.name.endsWith('.py')) healthFromCode(x, version)
  }
  healthFromOutputs(x)
}

function dockerfileClaims(x: Extraction, version: FileVersion): void {
  x.add({
    kind: 'dockerfile',
    line: version.line,
    title: `${version.name} parses and every COPY --from names a stage`,
    dockerfile: version.name,
    content: version.content,
  })
  // Variables are claims about the image an iteration builds from this version.
  const it = x.iterations.find((i) => i.files[version.name]?.line === version.line)
  if (!it || isReaderSection(sectionAt(x.doc, version.line))) return
  const model = parseDockerfile(version.content)
  const final = model.stages.at(-1)
  for (const step of final?.steps ?? []) {
    const line = version.line + step.line
    for (const env of step.env ?? []) {
      x.add({
        kind: 'env',
        line,
        title: `${it.tag} has ${env.name}=${env.value}`,
        ...x.about(it),
        name: env.name,
        value: env.value,
      })
    }
    // `RUN echo "NAME=value" >> /etc/environment` is meant to set a variable (the lesson says so).
    const echo = /echo\s+["']?([A-Z_][A-Z0-9_]*)=([^"'\s>]*)["']?\s*>>?\s*\/etc\/environment/.exec(step.args)
    if (step.keyword === 'RUN' && echo?.[1]) {
      x.add({
        kind: 'env',
        line,
        title: `${it.tag} has ${echo[1]}=${echo[2]}`,
        ...x.about(it),
        name: echo[1],
        value: echo[2] ?? '',
      })
    }
  }
}

/** `@app.get("/health")` … `return {...}`: the body the app answers with. */
function healthFromCode(x: Extraction, version: FileVersion): void {
  const lines = version.content.split('\n')
  lines.forEach((line, i) => {
    const decorator = /@\w+\.(get|post|put|patch|delete)\(\s*["']([^"']+)["']/.exec(line)
    const route = decorator?.[2]
    const method = decorator?.[1]?.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | undefined
    if (route && method && route !== '/health') {
      x.add({
        kind: 'endpoint',
        line: version.line + 1 + i,
        title: `${method} ${route} answers (${version.name})`,
        method,
        path: route,
        file: version.name,
        fileLine: version.line,
      })
    }
    if (route !== '/health' || method !== 'GET') return
    const ret = lines.slice(i + 1, i + 12).findIndex((l) => /^\s+return\s+\{/.test(l))
    if (ret === -1) return
    const body = pythonLiteral(lines[i + 1 + ret]?.replace(/^\s+return\s+/, '') ?? '')
    if (body === undefined) return
    x.add({
      kind: 'health',
      line: version.line + 2 + i + ret,
      title: `GET /health answers ${JSON.stringify(body)} (${version.name})`,
      path: '/health',
      body,
      fileLine: version.line,
    })
  })
}

/** `curl …/health` followed by an output block. */
function healthFromOutputs(x: Extraction): void {
  for (const output of x.doc.outputs) {
    const argv = output.command ? segments(output.command)[0] : undefined
    const url = argv?.[0] === 'curl' ? argv.find((a) => /^https?:\/\//.test(a)) : undefined
    const path = url ? new URL(url).pathname : undefined
    if (path !== '/health') continue
    try {
      const body: unknown = JSON.parse(output.text)
      x.add({
        kind: 'health',
        line: output.line + 1,
        title: `GET /health answers ${JSON.stringify(body)} (curl output)`,
        path,
        body,
      })
    } catch {
      // Not JSON: nothing to compare.
    }
  }
}

/** A Python dict/list literal of plain values as JSON, or undefined. */
export function pythonLiteral(text: string): unknown {
  const json = text
    .trim()
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, 'true')
    .replace(/\bFalse\b/g, 'false')
    .replace(/\bNone\b/g, 'null')
    .replace(/,\s*([}\]])/g, '$1')
  try {
    return JSON.parse(json)
  } catch {
    return undefined
  }
}
