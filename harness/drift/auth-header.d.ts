// auth-header ships no types; this is the part lessonproof uses.
declare module 'auth-header' {
  export interface Challenge {
    scheme: string
    params: Record<string, string | string[]>
    token: string | null
  }
  export function parse(header: string): Challenge
  const authHeader: { parse: typeof parse }
  export default authHeader
}
