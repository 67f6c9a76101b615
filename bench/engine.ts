/**
 * Engine benchmark: lessonproof's wall time on the fixture lessons against a plain shell script
 * that runs the same docker build / inspect / history / run / wait-for-/health / remove sequence,
 * in one run, on the same warm layer cache; then a second lessonproof run with unchanged lessons,
 * which reuses its results.
 *
 *   npm run build && npm run bench:engine [-- --write-readme]
 *
 * Needs an engine and the lab's base images (bash lab/base-images.sh).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { parseDockerfile } from '../harness/dockerfile/index.js'
import { loadDocument } from '../harness/parse/index.js'

const LESSONS = ['fixtures/lessons/fastapi-tasks/lesson.md', 'fixtures/lessons/scratch-service/lesson.md']
const DOCKER = '/usr/bin/docker'
const env = { ...process.env, DOCKER_BUILDKIT: '0' }

interface Job {
  context: string
  dockerfile: string
  port: number
  name: string
}

async function contexts(root: string): Promise<Job[]> {
  const jobs: Job[] = []
  for (const path of LESSONS) {
    const lesson = await loadDocument(path)
    for (const it of lesson.iterations) {
      const context = join(root, `ctx-${jobs.length}`)
      for (const [name, file] of Object.entries(it.files)) {
        await mkdir(dirname(join(context, name)), { recursive: true })
        await writeFile(join(context, name), `${file.content}\n`)
      }
      const expose = parseDockerfile(it.files[it.dockerfile]?.content ?? '')
        .stages.at(-1)
        ?.steps.find((s) => s.keyword === 'EXPOSE')
      jobs.push({
        context,
        dockerfile: it.dockerfile,
        port: Number.parseInt(expose?.args ?? '8000', 10),
        name: it.tag,
      })
    }
  }
  return jobs
}

/** The plain script: what a person would run by hand for each iteration, one after another. */
function script(jobs: Job[]): string {
  const steps = jobs.map(
    (job, i) => `
docker build -q -t lessonproof-bench-sh-${i} -f ${job.context}/${job.dockerfile} ${job.context} >/dev/null
docker image inspect -f '{{.Size}} {{.Config.Env}}' lessonproof-bench-sh-${i} >/dev/null
docker history lessonproof-bench-sh-${i} >/dev/null
cid=$(docker run -d -p 127.0.0.1::${job.port} lessonproof-bench-sh-${i})
port=$(docker port "$cid" ${job.port}/tcp | head -1 | sed 's/.*://')
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
docker rm -f "$cid" >/dev/null
docker rmi lessonproof-bench-sh-${i} >/dev/null`,
  )
  return `set -euo pipefail\nexport DOCKER_BUILDKIT=0\ndocker() { ${DOCKER} "$@"; }\n${steps.join('\n')}\n`
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return (performance.now() - start) / 1000
}

async function main(): Promise<void> {
  const writeReadme = process.argv.includes('--write-readme')
  const root = await mkdtemp(join(tmpdir(), 'lessonproof-bench-'))
  const warm: string[] = []
  try {
    const jobs = await contexts(root)
    // Warm the layer cache for both contenders, so neither times apt's downloads.
    for (const [i, job] of jobs.entries()) {
      await execa(
        DOCKER,
        [
          'build',
          '-q',
          '-t',
          `lessonproof-bench-warm-${i}`,
          '-f',
          join(job.context, job.dockerfile),
          job.context,
        ],
        { env },
      )
      warm.push(`lessonproof-bench-warm-${i}`)
    }
    await writeFile(join(root, 'plain.sh'), script(jobs))
    const cli = (extra: string[]) =>
      execa('node', ['bin/lessonproof.js', 'verify', ...LESSONS, '--no-pull', ...extra], {
        env,
        reject: false,
      })

    const plain = await timed(() => execa('bash', [join(root, 'plain.sh')], { env }))
    const sequential = await timed(() => cli(['--no-cache', '--concurrency', '1']))
    const parallel = await timed(() => cli(['--no-cache']))
    // Fill the result cache (.lessonproof/cache), then time a run with unchanged lessons and base images.
    await cli([])
    const cached = await timed(() => cli([]))

    const rows = [
      ['plain shell script (docker CLI, one iteration after another)', plain],
      ['lessonproof, one iteration at a time (--concurrency 1)', sequential],
      ['lessonproof, two at a time (default)', parallel],
      ['lessonproof again, lessons and base images unchanged (results reused)', cached],
    ] as const
    const overhead = ((sequential - plain) / plain) * 100
    const lines = [
      `| run | wall time |`,
      `| --- | --- |`,
      ...rows.map(([name, s]) => `| ${name} | ${s.toFixed(1)} s |`),
      '',
      `Overhead of lessonproof over the plain script, like for like (one at a time): ${overhead.toFixed(1)}% (target ≤ 10%).`,
      `Second run with unchanged lessons: ${cached.toFixed(1)} s (target ≤ 3 s).`,
      `${jobs.length} iterations of ${LESSONS.length} fixture lessons, layer cache warm for both; measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} CPUs, Node ${process.version}.`,
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
    if (writeReadme) {
      const readme = await readFile('README.md', 'utf8')
      const section = `## Speed with an engine\n\n\`npm run bench:engine\` (\`bench/engine.ts\`) times \`lessonproof verify\` on the two fixture lessons against a plain shell script that runs the same \`docker build\` / \`image inspect\` / \`history\` / \`run\` / wait for \`/health\` / \`rm\` / \`rmi\` sequence (classic builder, as lessonproof uses), in one run, after warming the layer cache for both. lessonproof does more per iteration than the script (it also calls the app's other routes and looks for files in the image).\n\n${lines.join('\n')}\n`
      const next = /## Speed with an engine\n[\s\S]*?(?=\n## |$)/.test(readme)
        ? readme.replace(/## Speed with an engine\n[\s\S]*?(?=\n## |$)/, section)
        : `${readme.trimEnd()}\n\n${section}`
      await writeFile('README.md', next)
    }
  } finally {
    if (warm.length > 0) await execa(DOCKER, ['rmi', ...warm], { reject: false })
    await rm(root, { recursive: true, force: true })
  }
}

await main()
