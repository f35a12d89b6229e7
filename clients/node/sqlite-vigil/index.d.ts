export declare function getLoadablePath(): string;
export declare function load(db: { loadExtension(file: string): unknown }): void;
