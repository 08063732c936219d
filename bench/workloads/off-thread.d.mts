export function derive(iterations: number): Promise<number>
export function viaHelper(iterations: number): Promise<number>
