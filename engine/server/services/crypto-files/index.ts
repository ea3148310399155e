export { startCryptoFiles, CRYPTO_FILE_KEY, type CryptoFilesDeps } from "./start";
