/** See internal-headers.mjs. */
export declare const CONTENT_LENGTH_HEADER: "x-framevault-content-length";
export declare const SOCKET_ADDRESS_HEADER: "x-framevault-socket-address";
