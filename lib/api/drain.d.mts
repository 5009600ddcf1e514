/** See drain.mjs. */
export declare function startDraining(): void;
export declare function isDraining(): boolean;
