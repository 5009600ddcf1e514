/** See internal-headers.mjs. */
import type { Readable } from "node:stream";

export declare const CONTENT_LENGTH_HEADER: "x-framevault-content-length";
export declare const SOCKET_ADDRESS_HEADER: "x-framevault-socket-address";
export declare const NODE_BODY_HEADER: "x-framevault-node-body";
export declare function acceptNodeBodies(): void;
export declare function parkNodeBody(stream: Readable): string | null;
export declare function claimNodeBody(token: string): Readable | undefined;
