// What a checkpoint's QR code says. Kept apart from the reader, which is large and loaded
// only when the camera is opened.

/** What a checkpoint's QR code says: `estate-checkpoint:<id>`. */
const PREFIX = "estate-checkpoint:";

export function checkpointCode(id: string): string {
  return PREFIX + id;
}

/** The checkpoint ID a scanned text names, or null when it is not one of ours. */
export function checkpointOf(text: string): string | null {
  return text.startsWith(PREFIX) ? text.slice(PREFIX.length) : null;
}
