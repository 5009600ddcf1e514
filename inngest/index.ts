import { processUploadedFile } from "./process-uploaded-file";

// Every Inngest function the app serves at /api/inngest.
export const functions = [processUploadedFile];
