import { memoize } from '../memo.js'
import type { Iteration } from '../model/index.js'

/** Lower-case letters and digits only, without a trailing "image": "Multi-stage" → "multistage". */
export function normName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/image$/, '')
}

/** The version part of a Dockerfile name: `Dockerfile.v2-multistage` → "multistage". */
function dockerfileName(dockerfile: string): string {
  return dockerfile.replace(/^.*Dockerfile\.?/i, '').replace(/^v\d+-?/, '')
}

/**
 * The iteration a table row or sentence names ("Naive", "Alpine + UV", "Multi-stage",
 * "task-api:slim"), matched on the image tag, the repository or the Dockerfile's version name.
 */
export function matchIteration(label: string, iterations: Iteration[]): Iteration | undefined {
  const exact = iterations.find((it) => it.tag === label || it.tag === `${label}:latest`)
  if (exact) return exact
  const wanted = normName(label.replace(/\(.*\)/, ''))
  if (wanted.length < 3) return undefined
  let best: { it: Iteration; score: number } | undefined
  for (const it of iterations) {
    for (const key of [normName(it.name), normName(dockerfileName(it.dockerfile))]) {
      if (key.length < 3) continue
      const score = wanted === key ? 100 : wanted.startsWith(key) || key.startsWith(wanted) ? key.length : 0
      if (score > 0 && (!best || score > best.score)) best = { it, score }
    }
  }
  return best?.it
}

/**
 * What makes two documents' iterations "the same": the Dockerfile's version token
 * (`Dockerfile.v3-alpine` and `Dockerfile.v3-alpine-uv` are both "v3"), else the name.
 */
export function versionKey(it: Pick<Iteration, 'dockerfile' | 'name'>): string {
  return keyOf(`${it.dockerfile}\0${it.name}`)
}

const keyOf = memoize((joined: string) => {
  const [dockerfile = '', name = ''] = joined.split('\0')
  return versionKeyOf({ dockerfile, name })
})

function versionKeyOf(it: Pick<Iteration, 'dockerfile' | 'name'>): string {
  const token = /Dockerfile\.(v\d+|[a-z]+)/i.exec(it.dockerfile)?.[1]
  return (token ?? normName(it.name)).toLowerCase()
}

/** The iteration built in a section (its build command stands under that heading). */
export function iterationInSection(section: string, iterations: Iteration[]): Iteration | undefined {
  return iterations.find((it) => it.section === section)
}
