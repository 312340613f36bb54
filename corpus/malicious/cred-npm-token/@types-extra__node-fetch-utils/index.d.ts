export declare function getJson<T = unknown>(url: string, init?: RequestInit): Promise<T>;
export declare function postJson<T = unknown>(url: string, body: unknown, init?: RequestInit): Promise<T | null>;
