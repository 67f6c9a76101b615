/** What a claim kind module is written with: its definition, extraction, check context and helpers. */
export { about, blocked, fail, pass } from './checks.js'
export { CheckContext, type Family, MEASURED, type StatedSize, sizeClaimsFor } from './context.js'
export { type Course, type CourseDocument, type CourseLesson, courseDocument, lessonsFor } from './course.js'
export { type ClaimOf, type ClaimOfShape, defineKind, type Kind, type Measured, type Need } from './define.js'
export { type Draft, Extraction, type Reading } from './extraction.js'
export { Iterations, normName, versionKey } from './iterations.js'
