// The explicit list of server-only VQL builtins. Each domain file exports an array; append
// one line per domain. Registration is not a side effect of importing.
import type { Builtin } from "../../vql";
import { alertBuiltins } from "./alerts";
import { forwardAlertsPlugin } from "./forward-alerts";
import { artifactBuiltins } from "./artifacts";
import { clientBuiltins } from "./clients";
import { deletionBuiltins } from "./deletions";
import { eventBuiltins } from "./events";
import { favoriteBuiltins } from "./favorites";
import { fileStoreBuiltins } from "./file-store";
import { inventoryBuiltins } from "./inventory";
import { userOptionsBuiltins } from "./user-options";
import { flowBuiltins } from "./flows";
import { helpPlugin } from "./help";
import { httpClientBuiltins } from "./http-client";
import { mailBuiltins } from "./mail";
import { huntBuiltins } from "./hunts";
import { monitoringBuiltins } from "./monitoring";
import { notebookBuiltins } from "./notebooks";
import { secretBuiltins } from "./secrets";
import { serverMetadataBuiltins } from "./server-metadata";
import { userBuiltins } from "./users";
import { verifyBuiltins } from "./verify";
import { importBuiltins } from "./import";
import { uploadBuiltins } from "./uploads";
import { importCollectionBuiltins } from "./import-collection";
import { serverDeveloperBuiltins } from "./developer";
import { timelineBuiltins } from "./timelines";
import { userMessageBuiltins } from "./user-message";
import { readCryptoFilePlugin } from "./crypto-file";
import { uploadDirectoryBuiltins } from "./upload-directory";
import { packageBuiltins } from "./packages";
import { serverFrontendCertBuiltins } from "./server-frontend-cert";

export const serverBuiltins: readonly Builtin[] = [
  ...artifactBuiltins,
  ...alertBuiltins,
  forwardAlertsPlugin,
  ...clientBuiltins,
  ...flowBuiltins,
  ...huntBuiltins,
  ...eventBuiltins,
  ...monitoringBuiltins,
  ...notebookBuiltins,
  ...serverMetadataBuiltins,
  ...secretBuiltins,
  ...favoriteBuiltins,
  ...fileStoreBuiltins,
  ...inventoryBuiltins,
  ...userOptionsBuiltins,
  ...httpClientBuiltins,
  ...uploadBuiltins,
  ...mailBuiltins,
  ...deletionBuiltins,
  ...userBuiltins,
  ...verifyBuiltins,
  ...importBuiltins,
  ...importCollectionBuiltins,
  ...timelineBuiltins,
  ...userMessageBuiltins,
  readCryptoFilePlugin,
  ...uploadDirectoryBuiltins,
  ...packageBuiltins,
  ...serverFrontendCertBuiltins,
  helpPlugin,
  ...serverDeveloperBuiltins,
];
