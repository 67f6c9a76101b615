/**
 * A tag of a common official image is one its maintainers publish: `python:3.12-slim` is,
 * `python:3.12-distroless` is not (distroless Python lives at gcr.io/distroless). Read from every
 * FROM, `docker pull`/`run` and Compose `image:`, once per reference a document names; only the
 * images whose tag grammar lessonproof knows are held, and only a word no tag of theirs has fails.
 */
import { z } from 'zod'
import { defineKind, fail, pass } from './kit/index.js'
import { imageName } from './readings/docker-cli.js'
import { knowsTags, tagProblem } from './readings/official-images.js'
import { imageMentions } from './readings/references.js'

export const imageTag = defineKind({
  id: 'image-tag',
  fields: {
    /** The references: one a tag grammar refuses, or every one it allows. */
    refs: z.array(z.string()),
  },

  extract(x, emit) {
    const seen = new Set<string>()
    const good: { ref: string; line: number }[] = []
    for (const mention of x.read(imageMentions)) {
      const name = imageName(mention.ref)
      if (!name || name.tag === undefined || !knowsTags(name) || seen.has(mention.ref)) continue
      seen.add(mention.ref)
      // A tag the grammar refuses is a claim at its line; the tags it allows are one claim.
      if (!tagProblem(name)) {
        good.push({ ref: mention.ref, line: mention.line })
        continue
      }
      emit({
        line: mention.line,
        title: `${mention.ref} is a tag the official ${name.familiar} image has`,
        quote: mention.ref,
        subject: mention.ref,
        ...(mention.dockerfile ? { dockerfile: mention.dockerfile } : {}),
        refs: [mention.ref],
      })
    }
    if (good.length > 0)
      emit({
        line: good[0]?.line ?? 1,
        title: `${good.map((g) => g.ref).join(', ')} ${good.length > 1 ? 'are tags' : 'is a tag'} the official images have`,
        quote: good.map((g) => g.ref).join(' '),
        subject: 'official image tags',
        refs: good.map((g) => g.ref),
      })
  },

  check(claim) {
    const check = 'the image publishes the tag'
    const problems = claim.refs.flatMap((ref) => {
      const name = imageName(ref)
      const problem = name ? tagProblem(name) : undefined
      return problem ? [problem] : []
    })
    return problems.length > 0
      ? [fail(check, problems.join('; '), { expected: 'a published tag', measured: claim.refs.join(', ') })]
      : [pass(check, `${claim.refs.join(', ')}: versions and variants the images publish`)]
  },

  measured: false,
})
