export type Node = { type: string; content?: Node[] | string; id?: string };
export declare function parse(src: string): Node[];
