// Whether a bench's fn is declared `async`: then async concurrency joins a benchCompare without
// `models`. Told from the function object alone, at collection, without calling it.

/** A plain function that returns a promise, or a `{ module, export }`, cannot be told so: name `async` in `models`. */
export function isAsyncFunction(subject: unknown): boolean {
  return typeof subject === 'function' && subject.constructor?.name === 'AsyncFunction'
}
