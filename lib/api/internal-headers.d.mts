/** See content-length.mjs. */
export declare const CONTENT_LENGTH_HEADER: "x-framevault-content-length";
