// One batch's progress page (linked from the upload and regrade messages).
import { trackBatch } from "./batch.js";
import { $, requireToken } from "./dom.js";

const message = $("#page-message");
if (requireToken(message)) trackBatch($("#batch-progress"), message, document.body.dataset.batch);
