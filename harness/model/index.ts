/** The model: every shape lessonproof reads, checks and reports, defined once with zod. */
export * from './claim.js'
export * from './document.js'
export * from './facts.js'
export * from './frontmatter.js'
export * from './report.js'
export * from './units.js'
export * from './verdict.js'
