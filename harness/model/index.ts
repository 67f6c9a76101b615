/** The lesson model: every shape lessonproof reads, checks and reports, defined once with zod. */
export * from './claim.js'
export * from './document.js'
export * from './frontmatter.js'
export * from './report.js'
export * from './verdict.js'
