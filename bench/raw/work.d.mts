// Types of work.mjs, for the TypeScript bench scripts.
export function echo(input: { id: number; values: number[] }): { id: number; sum: number }
export function size(input: ArrayBufferView | ArrayBuffer): number
export function spin(iterations: number): number
export function derive(iterations: number): Promise<number>
export function scryptKey(cost: number): Promise<number>
export function compress(bytes: number): Promise<number>
