// Types for lz4js (a pure-JavaScript LZ4; the package ships none): the block decoder
// parse_journald() uses for LZ4-compressed journal fields.
declare module "lz4js" {
  /** Decodes the raw LZ4 block src[sIndex, sIndex + sLength) into dst from dIndex; returns the index after the last byte written. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
