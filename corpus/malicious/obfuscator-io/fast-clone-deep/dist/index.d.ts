declare function clone<T>(value: T): T;
export = clone;
