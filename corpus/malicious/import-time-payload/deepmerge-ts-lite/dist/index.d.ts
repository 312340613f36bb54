export interface MergeOptions {
  arrayMerge?: 'concat' | 'replace' | 'union' | ((target: unknown[], source: unknown[]) => unknown[]);
  clone?: boolean;
  isMergeable?: (value: unknown) => boolean;
}
export declare function deepmerge<A, B>(a: A, b: B, options?: MergeOptions): A & B;
export declare namespace deepmerge {
  function all<T>(objects: Partial<T>[], options?: MergeOptions): T;
}
export default deepmerge;
