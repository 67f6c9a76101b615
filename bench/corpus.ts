/**
 * A deterministic corpus of realistic lessons for the static-verification benchmark.
 *
 * Each lesson is written the way lessons/multi-stage-builds.md is: published frontmatter, a
 * `main.py`, 4–5 Dockerfile iterations (naive, slim, multi-stage, Alpine, optionally a layer-
 * optimized one), their `docker build` commands with BuildKit logs, `docker images` outputs,
 * comparison tables, a `docker history`, headings "(~NNNMB)" and prose numbers. Sizes, timings,
 * names and the Python version vary per lesson; every number is derived from the lesson's own
 * sizes and logs, so the claims hold (most are blocked in a static run, none should fail).
 *
 * Document K depends only on (seed, K): a corpus of 10 is the first 10 lessons of a corpus of 1000.
 *
 *   npx tsx bench/corpus.ts DIR [--count N] [--seed S]
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { dockerSize, parseSize } from '../harness/model/units.js'

export const DEFAULT_COUNT = 1000
export const DEFAULT_SEED = 0x1e55_0f5

// --- deterministic randomness ---------------------------------------------------------------

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Rng {
  private readonly next: () => number
  constructor(seed: number) {
    this.next = mulberry32(seed)
  }
  float(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  /** A number in [lo, hi] with one decimal, as BuildKit prints durations. */
  seconds(lo: number, hi: number): number {
    return Math.round(this.float(lo, hi) * 10) / 10
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  hex(length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += Math.floor(this.next() * 16).toString(16)
    return out
  }
}

/** The PRNG seed of lesson `index`: independent of how many lessons the corpus has. */
function lessonSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  return (h ^ (h >>> 13)) >>> 0
}

// --- sizes as Docker prints them --------------------------------------------------------------

const MB = 1e6

interface Shown {
  /** As printed: "1.21GB", "458MB", "1.48kB". */
  text: string
  /** What the printed text stands for, in bytes. */
  bytes: number
}

/** What `docker images` prints for a size, and the bytes that text stands for. */
function shown(bytes: number): Shown {
  const text = dockerSize(bytes)
  return { text, bytes: parseSize(text)?.bytes ?? bytes }
}

/** A heading's or bullet's approximation: "~1.2GB", "~180MB", "~115MB". */
function approx(bytes: number): string {
  if (bytes >= 1e9) return `~${(bytes / 1e9).toFixed(1)}GB`
  const mb = bytes / MB
  const step = mb >= 150 ? 10 : 5
  return `~${Math.round(mb / step) * step}MB`
}

/** One-decimal GB the way prose writes a large size without "~": "1.2GB". */
function roughGB(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)}GB`
}

/** Reduction from `from` to `to`, computed from the sizes as printed. */
function reduction(from: Shown, to: Shown, decimals = 0): string {
  return `${((1 - to.bytes / from.bytes) * 100).toFixed(decimals)}%`
}

// --- the lesson's subject -------------------------------------------------------------------

interface Service {
  title: string
  slug: string
  plural: string
  singular: string
  model: string
  field: string
  flag: string
}

const SERVICES: readonly Service[] = [
  {
    title: 'Task API',
    slug: 'task-api',
    plural: 'tasks',
    singular: 'task',
    model: 'Task',
    field: 'priority',
    flag: 'completed',
  },
  {
    title: 'Notes API',
    slug: 'notes-api',
    plural: 'notes',
    singular: 'note',
    model: 'Note',
    field: 'pinned_rank',
    flag: 'archived',
  },
  {
    title: 'Inventory Service',
    slug: 'inventory-service',
    plural: 'items',
    singular: 'item',
    model: 'Item',
    field: 'quantity',
    flag: 'discontinued',
  },
  {
    title: 'Bookmark API',
    slug: 'bookmark-api',
    plural: 'bookmarks',
    singular: 'bookmark',
    model: 'Bookmark',
    field: 'visits',
    flag: 'starred',
  },
  {
    title: 'Order Service',
    slug: 'order-service',
    plural: 'orders',
    singular: 'order',
    model: 'Order',
    field: 'quantity',
    flag: 'shipped',
  },
  {
    title: 'Ticket Tracker',
    slug: 'ticket-tracker',
    plural: 'tickets',
    singular: 'ticket',
    model: 'Ticket',
    field: 'severity',
    flag: 'resolved',
  },
  {
    title: 'Recipe API',
    slug: 'recipe-api',
    plural: 'recipes',
    singular: 'recipe',
    model: 'Recipe',
    field: 'servings',
    flag: 'published',
  },
  {
    title: 'Event Log API',
    slug: 'event-log-api',
    plural: 'events',
    singular: 'event',
    model: 'Event',
    field: 'level',
    flag: 'acknowledged',
  },
  {
    title: 'Agent Memory API',
    slug: 'agent-memory-api',
    plural: 'memories',
    singular: 'memory',
    model: 'Memory',
    field: 'importance',
    flag: 'consolidated',
  },
  {
    title: 'Feedback API',
    slug: 'feedback-api',
    plural: 'reviews',
    singular: 'review',
    model: 'Review',
    field: 'rating',
    flag: 'flagged',
  },
]

interface Python {
  version: string
  patch: string
  /** Stated base image sizes, in bytes: full, slim, alpine. */
  full: number
  slim: number
  alpine: number
}

const PYTHONS: readonly Python[] = [
  { version: '3.11', patch: '3.11.11', full: 1000 * MB, slim: 130 * MB, alpine: 55 * MB },
  { version: '3.12', patch: '3.12.8', full: 900 * MB, slim: 150 * MB, alpine: 50 * MB },
  { version: '3.13', patch: '3.13.1', full: 1000 * MB, slim: 120 * MB, alpine: 45 * MB },
]

function mainPy(s: Service, rng: Rng): string {
  return `from fastapi import FastAPI, HTTPException
from pydantic import BaseModel
from datetime import datetime

app = FastAPI(title="${s.title}", version="1.${rng.int(0, 4)}.${rng.int(0, 9)}")

# In-memory ${s.singular} storage (production would use database)
${s.plural}: dict[str, dict] = {}

class ${s.model}Create(BaseModel):
    title: str
    description: str | None = None
    ${s.field}: int = 1

class ${s.model}(BaseModel):
    id: str
    title: str
    description: str | None
    ${s.field}: int
    created_at: datetime
    ${s.flag}: bool = False

@app.get("/health")
def health_check():
    return {"status": "healthy", "service": "${s.slug}"}

@app.post("/${s.plural}", response_model=${s.model})
def create_${s.singular}(${s.singular}: ${s.model}Create):
    ${s.singular}_id = f"${s.singular}_{len(${s.plural}) + 1}"
    new_${s.singular} = {
        "id": ${s.singular}_id,
        "title": ${s.singular}.title,
        "description": ${s.singular}.description,
        "${s.field}": ${s.singular}.${s.field},
        "created_at": datetime.now(),
        "${s.flag}": False
    }
    ${s.plural}[${s.singular}_id] = new_${s.singular}
    return new_${s.singular}

@app.get("/${s.plural}")
def list_${s.plural}():
    return list(${s.plural}.values())

@app.get("/${s.plural}/{${s.singular}_id}", response_model=${s.model})
def get_${s.singular}(${s.singular}_id: str):
    if ${s.singular}_id not in ${s.plural}:
        raise HTTPException(status_code=404, detail="${s.model} not found")
    return ${s.plural}[${s.singular}_id]

@app.patch("/${s.plural}/{${s.singular}_id}/${s.flag}")
def mark_${s.singular}(${s.singular}_id: str):
    if ${s.singular}_id not in ${s.plural}:
        raise HTTPException(status_code=404, detail="${s.model} not found")
    ${s.plural}[${s.singular}_id]["${s.flag}"] = True
    return ${s.plural}[${s.singular}_id]`
}

// --- Dockerfiles and the BuildKit logs they produce ---------------------------------------------

const CMD = 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]'

function naiveDockerfile(py: Python): string {
  return `FROM python:${py.version}

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY main.py .

EXPOSE 8000
${CMD}`
}

function slimDockerfile(py: Python): string {
  return `FROM python:${py.version}-slim

WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY main.py .

EXPOSE 8000
${CMD}`
}

function copyFromBuilder(py: Python): string {
  return `COPY --from=builder /usr/local/lib/python${py.version}/site-packages /usr/local/lib/python${py.version}/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin`
}

function multistageDockerfile(py: Python, speedup: string): string {
  return `# Stage 1: Build stage (install dependencies)
FROM python:${py.version}-slim AS builder

WORKDIR /app

# Install UV package manager (${speedup} faster than pip)
RUN pip install uv

COPY requirements.txt .

# UV installs packages to system Python
# --system: install to system Python instead of virtual environment
# --no-cache: don't store package cache
RUN uv pip install --system --no-cache -r requirements.txt

# Stage 2: Runtime stage (only what's needed to run)
FROM python:${py.version}-slim

WORKDIR /app

# Copy installed packages from builder stage
${copyFromBuilder(py)}

# Set environment variables
ENV PYTHONUNBUFFERED=1

# Copy application code
COPY main.py .

EXPOSE 8000
${CMD}`
}

function alpineDockerfile(py: Python): string {
  return `# Stage 1: Build stage with Alpine
FROM python:${py.version}-alpine AS builder

WORKDIR /app

# Install UV package manager
RUN pip install uv

COPY requirements.txt .

# Install dependencies with UV
RUN uv pip install --system --no-cache -r requirements.txt

# Stage 2: Runtime stage with Alpine
FROM python:${py.version}-alpine

WORKDIR /app

# Copy installed packages from builder
${copyFromBuilder(py)}

ENV PYTHONUNBUFFERED=1

COPY main.py .

EXPOSE 8000
${CMD}`
}

function optimizedDockerfile(py: Python): string {
  return `# Stage 1: Build stage
FROM python:${py.version}-alpine AS builder

WORKDIR /app

COPY requirements.txt .

# Single RUN: install UV + dependencies + cleanup, all in one layer
RUN pip install uv && \\
    uv pip install --system --no-cache -r requirements.txt && \\
    pip cache purge && \\
    find /usr/local -type d -name '__pycache__' -exec rm -rf {} + 2>/dev/null || true && \\
    find /usr/local -type f -name '*.pyc' -delete 2>/dev/null || true

# Stage 2: Runtime stage
FROM python:${py.version}-alpine

WORKDIR /app

# Copy only necessary artifacts
${copyFromBuilder(py)}

ENV PYTHONUNBUFFERED=1

COPY main.py .

EXPOSE 8000
${CMD}`
}

interface Step {
  /** BuildKit's stage label: "" for a single-stage build, else the stage name or "stage-N". */
  stage: string
  instruction: string
}

/** The steps BuildKit numbers: per stage its FROM, then each WORKDIR, COPY, ADD and RUN. */
function buildSteps(dockerfile: string): Step[][] {
  const logical: string[] = []
  let pending = ''
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `
      continue
    }
    logical.push(`${pending}${line}`)
    pending = ''
  }
  const stages: { name: string | undefined; steps: string[] }[] = []
  for (const instruction of logical) {
    const keyword = instruction.split(/\s+/)[0]?.toUpperCase() ?? ''
    if (keyword === 'FROM') {
      const [, image = '', name] = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction) ?? []
      const ref = image.includes('/') ? image : `docker.io/library/${image}`
      stages.push({ name, steps: [`FROM ${ref}`] })
    } else if (['WORKDIR', 'COPY', 'ADD', 'RUN'].includes(keyword)) {
      stages.at(-1)?.steps.push(instruction)
    }
  }
  const multi = stages.length > 1
  return stages.map((s, i) =>
    s.steps.map((instruction) => ({
      stage: multi ? (s.name ?? `stage-${i}`) : '',
      instruction,
    })),
  )
}

function logLine(label: string, seconds: number): string {
  const left = ` => ${label}`
  return `${left}${' '.repeat(Math.max(2, 70 - left.length))}${seconds.toFixed(1)}s`
}

function truncate(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text
}

/**
 * A BuildKit log of a Dockerfile: every numbered step, with the dependency install taking
 * `installSeconds` (its tool is whatever the RUN line runs).
 */
function buildLog(rng: Rng, dockerfile: string, file: string, installSeconds: number, coldBase: boolean) {
  const lines: string[] = [
    logLine(`[internal] load build definition from ${file}`, 0),
    logLine('[internal] load .dockerignore', 0),
  ]
  const stages = buildSteps(dockerfile)
  const firstFrom = stages[0]?.[0]?.instruction.replace(/^FROM /, '') ?? ''
  lines.push(logLine(`[internal] load metadata for ${firstFrom}`, rng.seconds(0.5, 1.6)))
  let total = 0
  stages.forEach((steps, s) => {
    steps.forEach((step, i) => {
      const { instruction } = step
      let seconds = 0
      if (instruction.startsWith('FROM')) seconds = s === 0 && coldBase ? rng.seconds(6, 30) : 0
      else if (instruction.startsWith('WORKDIR')) seconds = 0.1
      else if (instruction.startsWith('COPY --from')) seconds = rng.seconds(0.1, 0.5)
      else if (instruction.startsWith('COPY')) seconds = 0
      else if (/pip install -r|--no-cache-dir -r|uv pip install/.test(instruction)) seconds = installSeconds
      else seconds = rng.seconds(2.8, 5.2)
      total += seconds
      const label = `[${step.stage ? `${step.stage} ` : ''}${i + 1}/${steps.length}]`
      lines.push(logLine(`${label} ${truncate(instruction)}`, seconds))
    })
  })
  const exporting = rng.seconds(0.2, 2.8)
  lines.push(logLine('exporting to image', exporting))
  const count = lines.length - 1
  const wall = total + exporting + rng.seconds(0.5, 2)
  return [`[+] Building ${wall.toFixed(1)}s (${count}/${count}) FINISHED`, ...lines].join('\n')
}

// --- the lesson -----------------------------------------------------------------------------

interface Iteration {
  tag: string
  label: string
  dockerfile: string
  content: string
  size: Shown
  imageId: string
}

function imagesTable(repo: string, rows: { tag: string; id: string; created: string; size: string }[]) {
  const w = Math.max(13, repo.length + 3)
  const t = Math.max(8, ...rows.map((r) => r.tag.length + 3))
  const head = `${'REPOSITORY'.padEnd(w)}${'TAG'.padEnd(t)}IMAGE ID       CREATED          SIZE`
  const body = rows.map(
    (r) => `${repo.padEnd(w)}${r.tag.padEnd(t)}${r.id}   ${r.created.padEnd(17)}${r.size}`,
  )
  return [head, ...body].join('\n')
}

function frontmatter(o: {
  position: number
  chapter: number
  lesson: number
  duration: number
  s: Service
  range: string
  naive: Shown
  final: Iteration
  finalTag: string
}): string {
  return `---
sidebar_position: ${o.position}
title: "Multi-Stage Builds & Optimization: ${o.s.title}"
description: "Reduce Docker image size by ${o.range} using multi-stage builds, UV package manager, and Alpine base images"
keywords: [docker, multi-stage builds, docker optimization, uv package manager, alpine, ${o.s.slug}, image size]
chapter: ${o.chapter}
lesson: ${o.lesson}
duration_minutes: ${o.duration}
proficiency_level: B1
teaching_stage: 1
stage_name: "Manual Foundation"
stage_description: "Iterative optimization teaches image size reduction techniques through hands-on practice"

# HIDDEN SKILLS METADATA (Institutional Integration Layer)
# Not visible to students; enables competency assessment and differentiation
skills:
  - name: "Multi-Stage Dockerfile Design"
    proficiency_level: "B1"
    category: "Technical"
    bloom_level: "Create"
    digcomp_area: "3. Digital Content Creation"
    measurable_at_this_level: "Student can write a multi-stage Dockerfile with separate build and runtime stages"

  - name: "Docker Image Optimization"
    proficiency_level: "B1"
    category: "Applied"
    bloom_level: "Apply"
    digcomp_area: "2. Problem Solving"
    measurable_at_this_level: "Student can apply optimization techniques to reduce image size by 70%+"

  - name: "UV Package Manager Usage"
    proficiency_level: "B1"
    category: "Technical"
    bloom_level: "Apply"
    digcomp_area: "3. Digital Content Creation"
    measurable_at_this_level: "Student can use UV for fast Python dependency installation in Docker builds"

  - name: "Base Image Selection"
    proficiency_level: "B1"
    category: "Applied"
    bloom_level: "Analyze"
    digcomp_area: "2. Problem Solving"
    measurable_at_this_level: "Student can compare slim, alpine, and distroless images and select appropriately"

  - name: "Image Size Measurement"
    proficiency_level: "B1"
    category: "Applied"
    bloom_level: "Evaluate"
    digcomp_area: "2. Problem Solving"
    measurable_at_this_level: "Student can measure and compare image sizes before and after optimization"

learning_objectives:
  - objective: "Explain why multi-stage builds reduce image size"
    proficiency_level: "B1"
    bloom_level: "Understand"
    assessment_method: "Explanation of build artifacts vs runtime needs"

  - objective: "Write a multi-stage Dockerfile with build and runtime stages"
    proficiency_level: "B1"
    bloom_level: "Create"
    assessment_method: "Working multi-stage Dockerfile with COPY --from"

  - objective: "Use UV package manager for fast Python dependency installation"
    proficiency_level: "B1"
    bloom_level: "Apply"
    assessment_method: "Dockerfile using uv pip install with correct flags"

  - objective: "Compare slim, alpine, and distroless base images"
    proficiency_level: "B1"
    bloom_level: "Analyze"
    assessment_method: "Decision matrix for base image selection"

  - objective: "Measure image size before and after optimization"
    proficiency_level: "B1"
    bloom_level: "Evaluate"
    assessment_method: "docker images and docker history output analysis"

  - objective: "Achieve 70%+ size reduction from naive to ${o.finalTag} image"
    proficiency_level: "B1"
    bloom_level: "Apply"
    assessment_method: "Comparison showing ${roughGB(o.naive.bytes)} to ${approx(o.final.size.bytes)} reduction"

cognitive_load:
  new_concepts: ${o.final.tag === 'optimized' ? 7 : 6}
  assessment: "Multi-stage, UV, alpine, slim, distroless and size measurement at the upper limit of B1's range, scaffolded through iterative steps"

differentiation:
  extension_for_advanced: "Explore distroless Python images for maximum security; implement BuildKit cache mounts for even faster builds"
  remedial_for_struggling: "Focus on the two-stage pattern first (builder + runtime); practice with slim base before attempting alpine"
---`
}

/** The Markdown of lesson `index` of the corpus seeded with `seed`. */
export function lessonMarkdown(index: number, seed = DEFAULT_SEED): string {
  const rng = new Rng(lessonSeed(seed, index))
  const s = rng.pick(SERVICES)
  const py = rng.pick(PYTHONS)
  const repo = `app-${index}`
  const withOptimized = rng.chance(0.5)
  const chapter = 40 + Math.floor(index / 12)
  const lesson = (index % 12) + 1

  // Sizes: each iteration from its base image plus what it installs.
  const naive = shown(py.full + rng.float(110, 380) * MB)
  const slim = shown(py.slim + rng.float(220, 340) * MB)
  const multistage = shown(py.slim + rng.float(25, 70) * MB)
  const binBytes = rng.float(0.9, 1.6) * MB
  const sitePackages = rng.float(48, 82) * MB
  const alpineImage = shown(py.alpine + sitePackages + binBytes + rng.float(3, 8) * MB)
  const optimized = shown(alpineImage.bytes - rng.float(2, 6) * MB)
  const final = withOptimized ? optimized : alpineImage

  // Install timings: pip in the naive and slim builds, uv in the multi-stage ones.
  const pipNaive = rng.seconds(9, 16)
  const pipSlim = rng.seconds(6, 10)
  const uvMulti = rng.seconds(1.2, 2.4)
  const uvAlpine = rng.seconds(1.6, 3)
  const uvOptimized = rng.seconds(2.8, 4.2)
  const pips = [pipNaive, pipSlim]
  const uvs = [uvMulti, uvAlpine, ...(withOptimized ? [uvOptimized] : [])]
  const best = Math.max(...pips) / Math.min(...uvs)
  const worst = Math.min(...pips) / Math.max(...uvs)
  const lo = Math.max(2, Math.floor(worst))
  const speedup = `${lo}-${Math.max(lo + 1, Math.round(best))}x`

  const code = mainPy(s, rng)
  const mainBytes = Buffer.byteLength(`${code}\n`)

  const its: Iteration[] = [
    {
      tag: 'naive',
      label: 'Naive',
      dockerfile: 'Dockerfile.naive',
      content: naiveDockerfile(py),
      size: naive,
      imageId: rng.hex(12),
    },
    {
      tag: 'slim',
      label: 'Slim',
      dockerfile: 'Dockerfile.v1-slim',
      content: slimDockerfile(py),
      size: slim,
      imageId: rng.hex(12),
    },
    {
      tag: 'multistage',
      label: 'Multi-stage',
      dockerfile: 'Dockerfile.v2-multistage',
      content: multistageDockerfile(py, speedup),
      size: multistage,
      imageId: rng.hex(12),
    },
    {
      tag: 'alpine',
      label: 'Alpine + UV',
      dockerfile: 'Dockerfile.v3-alpine',
      content: alpineDockerfile(py),
      size: alpineImage,
      imageId: rng.hex(12),
    },
  ]
  if (withOptimized)
    its.push({
      tag: 'optimized',
      label: 'Optimized',
      dockerfile: 'Dockerfile.v4-optimized',
      content: optimizedDockerfile(py),
      size: optimized,
      imageId: rng.hex(12),
    })
  const [itNaive, itSlim, itMulti, itAlpine] = its as [Iteration, Iteration, Iteration, Iteration]
  const itFinal = its.at(-1) as Iteration
  const image = (it: Iteration) => `${repo}:${it.tag}`

  const finalPct = (1 - final.bytes / naive.bytes) * 100
  const rangeLo = Math.max(60, 5 * Math.floor(finalPct / 5) - 5)
  const range = `${rangeLo}-${Math.min(95, 5 * Math.ceil(finalPct / 5))}%`
  const under = `${Math.floor(final.bytes / MB / 10) * 10 + 10}MB`

  const build = (it: Iteration) => `\`\`\`bash
docker build -t ${image(it)} -f ${it.dockerfile} .
\`\`\``
  const images = (it: Iteration, ago: string) => `\`\`\`bash
docker images ${image(it)}
\`\`\`

**Output:**
\`\`\`
${imagesTable(repo, [{ tag: it.tag, id: it.imageId, created: ago, size: it.size.text }])}
\`\`\``
  const comparison = (rows: Iteration[], header: string) => {
    const lines = [`| Version | Size | ${header} |`, '|---------|------|-----------|']
    for (const it of rows)
      lines.push(
        `| ${it.label} | ${it.size.text} | ${it === itNaive ? '---' : `${reduction(naive, it.size)}${header === 'Reduction' ? ' smaller' : ''}`} |`,
      )
    return lines.join('\n')
  }
  const log = (it: Iteration, seconds: number, cold: boolean) => `**Output:**
\`\`\`
${buildLog(rng, it.content, it.dockerfile, seconds, cold)}
\`\`\``

  const pyBase = `python:${py.version}`
  const sections: string[] = []
  sections.push(
    frontmatter({
      position: lesson,
      chapter,
      lesson,
      duration: rng.pick([40, 45, 50, 55, 60]),
      s,
      range,
      naive,
      final: itFinal,
      finalTag: itFinal.tag,
    }),
  )

  sections.push(`# Multi-Stage Builds & Optimization: ${s.title}

Container images that work are good. Container images that work AND are small are great. This lesson teaches you why small images matter and how to achieve ${range} size reduction through iterative optimization.

When you build a Docker image for a Python service, you typically need compilers and development libraries during the build process. But in production, you only need the installed packages themselves. A naive Dockerfile includes everything---build tools, development headers, cache files---adding hundreds of megabytes of unnecessary weight.

Multi-stage builds solve this elegantly. You perform dependency installation in a large build image, then copy only the artifacts you need into a minimal production image. Combined with UV (a Rust-based package manager that's ${speedup} faster than pip) and Alpine base images, you can reduce a ${roughGB(naive.bytes)} image to under ${under}.

In this lesson, you'll containerize the ${s.title}---the same pattern you'll use for your Part 6 FastAPI agent. You'll start with a bloated Dockerfile and progressively optimize it through ${its.length - 1} iterations, measuring the size reduction at each step.

---

## Setup: Create the ${s.title} Project

Create a fresh project with UV (30 seconds):

\`\`\`bash
uv init ${s.slug}-optimize && cd ${s.slug}-optimize
uv add "fastapi[standard]"
\`\`\`

Now add your application code. Open \`main.py\` and replace its contents with:

\`\`\`python
${code}
\`\`\`

UV automatically created \`pyproject.toml\` with your dependencies. For Docker, we need a \`requirements.txt\`. Export it:

\`\`\`bash
uv pip compile pyproject.toml -o requirements.txt
\`\`\`

Verify your setup works:

\`\`\`bash
uv run fastapi dev main.py
\`\`\`

Visit \`http://localhost:8000/health\` to confirm the API responds. Press \`Ctrl+C\` to stop.

---`)

  sections.push(`## Iteration 0: The Naive Dockerfile (${approx(naive.bytes)})

Let's start with a Dockerfile that works but doesn't consider image size at all.

Create \`${itNaive.dockerfile}\`:

\`\`\`dockerfile
${itNaive.content}
\`\`\`

Build this image and check its size:

${build(itNaive)}

${log(itNaive, pipNaive, true)}

Now check the image size:

${images(itNaive, `${rng.int(10, 40)} seconds ago`)}

**${naive.text} for a simple ${s.title}.** That bloat comes from:

| Component | Approximate Size |
|-----------|-----------------|
| Full Python image (compilers, headers, build tools) | ${approx(py.full)} |
| Pip cache (stored in \`/root/.cache/pip\`) | ~${rng.int(10, 20) * 10}MB |
| Development dependencies | ~${rng.int(10, 20) * 10}MB |

None of that is needed to RUN the application. You only need the installed Python packages---maybe 100MB total.

---`)

  sections.push(`## Iteration 1: Slim Base Image (${approx(slim.bytes)})

The \`${pyBase}\` image is the full-featured version. Docker provides leaner alternatives:

| Base Image | Size | Contents |
|------------|------|----------|
| \`${pyBase}\` (full) | ${approx(py.full)} | Build tools, compilers, development headers |
| \`${pyBase}-slim\` | ${approx(py.slim)} | Essential runtime, no build tools |
| \`${pyBase}-alpine\` | ${approx(py.alpine)} | Minimal Linux, tiny footprint |
| \`distroless/python3\` | ~50MB | Only runtime, no shell or package manager |

Let's try slim first---it's the safest improvement with the least risk.

Create \`${itSlim.dockerfile}\`:

\`\`\`dockerfile
${itSlim.content}
\`\`\`

Note: We added \`--no-cache-dir\` to pip to avoid storing the download cache.

Build and measure:

${build(itSlim)}

${log(itSlim, pipSlim, true)}

${images(itSlim, `${rng.int(5, 15)} seconds ago`)}

${comparison([itNaive, itSlim], 'Reduction')}

**Progress: ${reduction(naive, slim)} reduction** from a single change (base image). But we're still carrying pip overhead and could do better.

---`)

  sections.push(`## Iteration 2: Multi-Stage Build with UV (${approx(multistage.bytes)})

Multi-stage builds use multiple \`FROM\` instructions in a single Dockerfile. Each stage can use a different base image. You build dependencies in a large stage, then copy only what you need into a small stage.

We'll also introduce **UV**, a Rust-based Python package manager that's ${speedup} faster than pip.

Create \`${itMulti.dockerfile}\`:

\`\`\`dockerfile
${itMulti.content}
\`\`\`

Let's understand what's happening:

**Stage 1 (builder)**:
- Starts with \`${pyBase}-slim\` (has pip available)
- Installs UV package manager
- Installs application dependencies with UV, using \`--no-cache\` so no package cache is stored
- This stage is used only for building; it's discarded when the build finishes

**Stage 2 (runtime)**:
- Starts with a fresh \`${pyBase}-slim\` (clean slate)
- Copies /usr/local/lib/python${py.version}/site-packages from the builder stage
- Copies application code
- Does NOT include pip cache or build artifacts
- This is the final image Docker keeps

Build and measure:

${build(itMulti)}

${log(itMulti, uvMulti, false)}

Notice how UV installed dependencies in ${uvMulti} seconds vs pip's ${Math.floor(pipSlim)}+ seconds.

${images(itMulti, `${rng.int(3, 9)} seconds ago`)}

${comparison([itNaive, itSlim, itMulti], 'Reduction from Naive')}

**Progress: ${reduction(naive, multistage)} reduction.** The runtime image has no pip cache and no build tools---only the installed packages.

---`)

  sections.push(`## Iteration 3: Alpine Base Image + UV (${approx(alpineImage.bytes)})

Alpine Linux is a minimal distribution (~5MB base) designed for containers. Combined with multi-stage builds and UV, we can achieve maximum size reduction.

Create \`${itAlpine.dockerfile}\`:

\`\`\`dockerfile
${itAlpine.content}
\`\`\`

Build and measure:

${build(itAlpine)}

${log(itAlpine, uvAlpine, true)}

${images(itAlpine, `${rng.int(2, 8)} seconds ago`)}

${comparison([itNaive, itSlim, itMulti, itAlpine], 'Reduction from Naive')}

**Progress: ${reduction(naive, alpineImage)} reduction.** From ${naive.text} to ${alpineImage.text}.

---`)

  if (withOptimized) {
    const it = its[4] as Iteration
    sections.push(`## Iteration 4: Layer Optimization (${approx(optimized.bytes)})

Docker builds images in layers. Each \`RUN\` instruction creates a new layer. By combining commands and cleaning up in the same layer, we can squeeze out a few more megabytes.

Create \`${it.dockerfile}\`:

\`\`\`dockerfile
${it.content}
\`\`\`

Optimizations applied:
- Combined RUN commands to reduce layer count
- Removed \`__pycache__\` directories (bytecode cache)
- Removed \`.pyc\` files
- Purged pip cache after installing UV

Build and measure:

${build(it)}

${log(it, uvOptimized, false)}

${images(it, `${rng.int(2, 6)} seconds ago`)}

---`)
  }

  const ordered = [...its].sort((a, b) => a.size.bytes - b.size.bytes)
  const techniques: Record<string, string> = {
    naive: 'Full Python image + pip',
    slim: `${pyBase}-slim`,
    multistage: 'Separate build/runtime + UV',
    alpine: 'Alpine base + UV',
    optimized: 'Layer cleanup + cache purge',
  }
  const finalRows = its.map((it) => {
    const r =
      it === itNaive
        ? 'Baseline'
        : it === itFinal
          ? `**${reduction(naive, it.size, 1)}**`
          : reduction(naive, it.size)
    return `| ${it.label.replace(' + UV', '')} | ${it.size.text} | ${techniques[it.tag]} | ${r} |`
  })
  const tagWidth = Math.max(...its.map((it) => it.tag.length)) + 3
  sections.push(`## Final Size Comparison

Let's see all versions side by side:

\`\`\`bash
docker images ${repo} --format "table {{.Tag}}\\t{{.Size}}"
\`\`\`

**Output:**
\`\`\`
${'TAG'.padEnd(tagWidth)}SIZE
${ordered.map((it) => `${it.tag.padEnd(tagWidth)}${it.size.text}`).join('\n')}
\`\`\`

| Version | Size | Technique | Reduction |
|---------|------|-----------|-----------|
${finalRows.join('\n')}

**Result: ${naive.text} reduced to ${final.text} (${reduction(naive, final, 1)} reduction)**

---`)

  // docker history of the final image: its own layers plus the Alpine base the table states.
  const main = shown(mainBytes)
  const bin = shown(binBytes)
  const own = main.bytes + bin.bytes
  const site = shown(Math.max(10 * MB, final.bytes - py.alpine - own + rng.float(-2, 2) * MB))
  const minutes = `${rng.int(2, 9)} minutes ago`
  const weeks = `${rng.int(2, 5)} weeks ago`
  const row = (id: string, created: string, by: string, size: string) =>
    `${id.padEnd(15)}${created.padEnd(16)}${truncate(by, 45).padEnd(48)}${size}`
  const history = [
    `${'IMAGE'.padEnd(15)}${'CREATED'.padEnd(16)}${'CREATED BY'.padEnd(48)}SIZE`,
    row(itFinal.imageId, minutes, 'CMD ["uvicorn" "main:app" "--host" "0.0.0.0" "--port" "8000"]', '0B'),
    row('<missing>', minutes, 'EXPOSE 8000', '0B'),
    row('<missing>', minutes, 'COPY main.py . # buildkit', main.text),
    row('<missing>', minutes, 'ENV PYTHONUNBUFFERED=1', '0B'),
    row('<missing>', minutes, 'COPY /usr/local/bin /usr/local/bin # buildkit', bin.text),
    row(
      '<missing>',
      minutes,
      `COPY /usr/local/lib/python${py.version}/site-packages /usr/local/lib/python${py.version}/site-packages # buildkit`,
      site.text,
    ),
    row('<missing>', minutes, 'WORKDIR /app', '0B'),
    row('<missing>', weeks, 'CMD ["python3"]', '0B'),
    row('<missing>', weeks, 'RUN /bin/sh -c set -eux;   apk add --no-cache --virtual .build-deps', '1.85MB'),
    row('<missing>', weeks, `ENV PYTHON_VERSION=${py.patch}`, '0B'),
    '...',
  ].join('\n')

  sections.push(`## Analyzing Layers with docker history

The \`docker history\` command shows what each layer contains:

\`\`\`bash
docker history ${image(itFinal)}
\`\`\`

**Output:**
\`\`\`
${history}
\`\`\`

The SIZE column shows the contribution of each layer:
- Application code: ~${main.text}
- Installed binaries (uvicorn, etc.): ~${bin.text}
- Installed packages (site-packages): ~${site.text}
- Python Alpine base: ${approx(py.alpine)} (shown in earlier layers)

If you see an unexpectedly large layer, that's where to focus optimization efforts.

---

## Base Image Tradeoffs

| Base Image | Size | Pros | Cons | Use When |
|------------|------|------|------|----------|
| \`${pyBase}-slim\` | ${approx(py.slim)} | Most compatible, safer | Larger than Alpine | Default choice; C extensions work out of box |
| \`${pyBase}-alpine\` | ${approx(py.alpine)} | Smallest, fast builds | Some packages need compilation | Size-critical deployments, pure Python |
| \`distroless/python3\` | ~50MB | Maximum security, no shell | Can't debug interactively | Production security-critical services |

**For this chapter**: Alpine is excellent for AI services that don't require complex C dependencies. Your ${s.title} (and most FastAPI services) work perfectly with Alpine.

**When Alpine fails**: If you need numpy, pandas, or other packages with C extensions that aren't available as Alpine wheels, fall back to slim.

---

## Handling Large Model Files

A critical consideration for AI services: **never embed large model files in Docker images.**

**Wrong approach** (image becomes 4GB+):
\`\`\`dockerfile
# DON'T DO THIS
COPY models/model.bin /app/models/
\`\`\`

**Correct approach** (use volume mounts):
\`\`\`dockerfile
# Image stays small, models loaded at runtime
# No COPY for model files
\`\`\`

Run with volume mount:

\`\`\`bash
docker run -v $(pwd)/models:/app/models ${image(itFinal)}
\`\`\`

**Output:**
\`\`\`
INFO:     Started server process [1]
INFO:     Waiting for application startup.
INFO:     Application startup complete.
INFO:     Uvicorn running on http://0.0.0.0:8000
\`\`\`

Your application code loads models from the mounted directory:

\`\`\`python
from pathlib import Path

models_dir = Path("/app/models")
model_path = models_dir / "model.bin"

@app.on_event("startup")
async def load_model():
    if model_path.exists():
        print(f"Loading model from {model_path}")
        # Load your model here
\`\`\`

Benefits:
- Image stays small (${approx(final.bytes)})
- Models can be updated without rebuilding
- Same model can be shared across container instances
- Model storage handled by Kubernetes PersistentVolumes in production

---

## The Production Pattern

Here's the pattern to apply to any Python AI service:

\`\`\`dockerfile
# Stage 1: Build
FROM ${pyBase}-alpine AS builder
WORKDIR /app

# Install UV for fast dependency installation
RUN pip install uv

COPY requirements.txt .
RUN uv pip install --system --no-cache -r requirements.txt

# Stage 2: Runtime
FROM ${pyBase}-alpine
WORKDIR /app

# Copy installed packages from builder
${copyFromBuilder(py)}

ENV PYTHONUNBUFFERED=1

# Copy application code (NOT model files)
COPY . .

EXPOSE 8000
${CMD}
\`\`\`

**When to deviate**:

| Situation | Adjustment |
|-----------|------------|
| C extensions fail on Alpine | Use \`${pyBase}-slim\` instead |
| Need system libraries | Add \`RUN apk add --no-cache [packages]\` in builder |
| Security-critical production | Consider \`distroless/python3\` |
| Debugging required | Keep Alpine (has shell) or slim |

---

## Try With AI

Now apply what you've learned to your own service.

**Prompt 1: Analyze Your Current Dockerfile**

\`\`\`
I have a Dockerfile for a FastAPI service. Analyze it for size optimization opportunities:

[paste your Dockerfile here]

Questions:
1. What's the estimated image size with current base image?
2. Would multi-stage builds help? Why or why not?
3. What specific changes would achieve 70%+ size reduction?
\`\`\`

**What you're learning**: How to evaluate an existing Dockerfile against optimization criteria. AI can identify which techniques apply to your specific dependencies.

---

**Prompt 2: Generate Optimized Dockerfile**

\`\`\`
Create a multi-stage Dockerfile for my Python service with these requirements:

Dependencies: [list your requirements.txt]
Entry point: uvicorn main:app --host 0.0.0.0 --port 8000
Target: Under ${rng.pick([120, 150, 200])}MB final image
Constraints:
- Use UV package manager (not pip)
- Use Alpine base image
- No model files in image (volume mount)

Include comments explaining each optimization.
\`\`\`

**What you're learning**: How to specify constraints clearly so AI generates a Dockerfile matching your exact requirements.

---

Verify your learning by building an optimized image for your Part 6 FastAPI agent and measuring the size reduction. Target: 70%+ reduction from a naive Dockerfile.

---

## Reflect on Your Skill

You built a \`docker-deployment\` skill in Document 0. Test and improve it based on what you learned.

### Test Your Skill

\`\`\`
Using my docker-deployment skill, generate a multi-stage Dockerfile for image size optimization.
Does my skill generate separate build and runtime stages with proper COPY --from directives?
\`\`\`

### Identify Gaps

Ask yourself:
- Did my skill include multi-stage build patterns?
- Did it handle UV package manager and Alpine base images?

---
`)
  return sections.join('\n\n')
}

/** Where lesson `index` goes in the corpus: one folder per chapter of twelve lessons. */
export function lessonPath(index: number, seed = DEFAULT_SEED): string {
  const rng = new Rng(lessonSeed(seed, index))
  const service = rng.pick(SERVICES)
  const chapter = 40 + Math.floor(index / 12)
  const n = String(index).padStart(4, '0')
  return join(`chapter-${chapter}`, `${n}-${service.slug}-multi-stage.md`)
}

/** Writes `count` lessons under `dir`; returns their paths. */
export async function generateCorpus(
  dir: string,
  count = DEFAULT_COUNT,
  seed = DEFAULT_SEED,
): Promise<string[]> {
  const paths: string[] = []
  for (let i = 0; i < count; i++) {
    const path = join(dir, lessonPath(i, seed))
    await mkdir(join(path, '..'), { recursive: true })
    await writeFile(path, lessonMarkdown(i, seed))
    paths.push(path)
  }
  return paths
}

async function cli(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { count: { type: 'string' }, seed: { type: 'string' } },
  })
  const [dir] = positionals
  if (!dir) {
    process.stderr.write('usage: npx tsx bench/corpus.ts DIR [--count N] [--seed S]\n')
    process.exitCode = 2
    return
  }
  const count = values.count === undefined ? DEFAULT_COUNT : Number(values.count)
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed)
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('corpus: --count must be a positive integer and --seed an integer\n')
    process.exitCode = 2
    return
  }
  const paths = await generateCorpus(resolve(dir), count, seed)
  process.stdout.write(`wrote ${paths.length} lessons under ${resolve(dir)}\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await cli()
