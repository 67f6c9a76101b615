/**
 * An image a document runs and shows the output of is one the reader can get: built, pulled or
 * tagged by a command of the document, or an image `docker run` pulls by itself (a Docker
 * Official Image). `docker run --rm test` with output, where nothing builds `test` and Docker Hub
 * has no official image of that name, is output the reader cannot reproduce. Names with a
 * namespace or registry (`user/app`, `ghcr.io/…`) may be pullable and are left unchecked, and so
 * is every image of a document that `docker load`s archives.
 */
import { z } from 'zod'
import { isReaderSection, sectionAt } from '../parse/index.js'
import { blocked, defineKind, fail, pass } from './kit/index.js'
import { composeFiles } from './readings/compose.js'
import { dockerRuns, imageKey, imageName, imageSources, loadsImages } from './readings/docker-cli.js'
import { OFFICIAL_IMAGES } from './readings/official-images.js'

const EARLIER =
  /\b(?:lesson|chapter|module|part|step)\s+\d+\b|\b(?:previous|earlier|last|prior)\s+(?:lesson|chapter|section|tutorial|part|module|step)s?\b/i

export const imageSource = defineKind({
  id: 'image-source',
  fields: {
    ref: z.string(),
    /** Where the document builds, pulls or tags it. */
    made: z.array(z.object({ line: z.number().int(), how: z.string() })),
    official: z.boolean(),
    /** The text around the run says the image comes from an earlier lesson. */
    earlier: z.string().optional(),
  },

  extract(x, emit) {
    if (x.read(loadsImages)) return
    const sources = x.read(imageSources)
    const composeBuilt = new Set(
      x
        .read(composeFiles)
        .flatMap((c) =>
          c.services.filter((s) => s.build && s.image).map((s) => imageKey(s.image?.ref ?? '')),
        ),
    )
    for (const run of x.read(dockerRuns)) {
      const section = sectionAt(x.doc, run.command.line)
      if (!run.output || isReaderSection(section)) continue
      const name = imageName(run.image)
      const key = imageKey(run.image)
      if (!name || !key) continue
      const made = sources.filter((s) => s.key === key).map((s) => ({ line: s.line, how: s.how }))
      if (composeBuilt.has(key)) made.push({ line: run.command.line, how: 'compose' })
      const official = name.official && OFFICIAL_IMAGES.has(name.familiar)
      // A namespaced name may be on a registry: only a bare name is known to be missing there.
      if (made.length === 0 && !name.official) continue
      // "Run the image you built in Lesson 3": made elsewhere in the course, not missing.
      const earlier = x.doc.prose
        .filter(
          (p) => p.kind !== 'heading' && p.line < run.command.line && sectionAt(x.doc, p.line) === section,
        )
        .slice(-4)
        .find((p) => EARLIER.test(p.text))?.text
      emit({
        line: run.command.line,
        title: `${run.image}, whose output is shown, is an image the reader can get`,
        quote: `${run.command.text}`,
        subject: run.image,
        image: run.image,
        ref: run.image,
        made,
        official,
        ...(earlier ? { earlier: earlier.slice(0, 120) } : {}),
      })
    }
  },

  check(claim) {
    const name = 'the document builds or pulls the image'
    if (claim.made.length > 0)
      return [pass(name, claim.made.map((m) => `${m.how} at line ${m.line}`).join(', '))]
    if (claim.official) return [pass(name, `${claim.ref} is a Docker Official Image, which docker run pulls`)]
    if (claim.earlier)
      return [
        blocked(
          name,
          `${claim.ref} is not built here; the text says it comes from earlier ("${claim.earlier}")`,
        ),
      ]
    return [
      fail(
        name,
        `no command of the document builds, pulls or tags ${claim.ref}, and Docker Hub has no official image of that name, so its output cannot be reproduced`,
        { expected: `a build or pull of ${claim.ref}`, measured: 'none' },
      ),
    ]
  },

  measured: false,
})
