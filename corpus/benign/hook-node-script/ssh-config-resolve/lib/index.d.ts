export interface HostOptions { hostname: string; user: string; port: number; identityfile: string[]; [key: string]: unknown }
export declare function resolve(host: string, opts?: { file?: string; text?: string }): HostOptions;
export declare function parse(text: string): { patterns: string[]; options: [string, string][] }[];
export declare function matches(patterns: string[], host: string): boolean;
