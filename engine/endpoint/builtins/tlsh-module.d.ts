// Types for tlsh (a JavaScript port of Trend Micro's TLSH; the package ships none): its one
// export hashes a string whose character codes are the bytes (a latin1 string of a file's bytes)
// and returns the 70 hex digits of the default TLSH (128 buckets, 1-byte checksum) without the
// "T1" version prefix; it throws when the input is under 512 bytes or too uniform.
declare module "tlsh" {
  function tlsh(data: string): string;
  export = tlsh;
}
