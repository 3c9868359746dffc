// One batch's progress page (linked from the upload and regrade messages).
import { trackBatch } from "./batch.js";
import { $, requireSignIn } from "./dom.js";

const message = $("#page-message");
requireSignIn(message).then((ok) => ok && trackBatch($("#batch-progress"), message, document.body.dataset.batch));
